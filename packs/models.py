"""Published committee packs: the PDF the committee was given, and the figures it printed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from contracts.querysets import VersionedQuerySet


class PublishedPackQuerySet(VersionedQuerySet):
    def for_contract(self, contract) -> PublishedPackQuerySet:
        return self.filter(contract=contract)

    def without_pdf(self) -> PublishedPackQuerySet:
        """Lists and comparisons never need the PDF's bytes: leave them in the database."""
        return self.defer("pdf").select_related("period", "published_by")

    def newest_first(self) -> PublishedPackQuerySet:
        return self.order_by("-period__end_date", "-version")


class PublishedPack(models.Model):
    """One publication of a contract's quarter. Never changed: a later one is a new version.

    No history table: the row is written once, and `save` refuses to write it again.
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="published_packs"
    )
    period = models.ForeignKey(
        "kpis.ReportingPeriod", on_delete=models.PROTECT, related_name="published_packs"
    )
    version = models.PositiveIntegerField(help_text="1 for the first publication of the quarter.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    pdf = models.BinaryField()
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    printed_sha256 = models.CharField(
        "SHA-256 of what the PDF prints",
        max_length=64,
        blank=True,
        help_text="Its HTML and stylesheet, without the stamp of when it was produced and "
        "published: the same for two versions that print the same. Blank for packs published "
        "before it was kept.",
    )
    # Every KPI's figure, status, target and commentary in the pack's quarters, and the counts.
    data = models.JSONField()

    objects = PublishedPackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "version"], name="one_pack_per_quarter_version"
            ),
        ]
        ordering = ["period__end_date", "version"]

    def __str__(self) -> str:
        return f"{self.contract_id} pack for {self.period}, version {self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A published pack never changes: publish a new version instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("published_pack", args=[self.contract.code, self.pk])

    @property
    def pdf_url(self) -> str:
        return reverse("published_pack_pdf", args=[self.contract.code, self.pk])

    @property
    def published_by_name(self) -> str:
        user = self.published_by
        return user.get_full_name() or user.get_username()

    @property
    def filename(self) -> str:
        return f"{self.contract.code}-committee-pack-{self.period.end_date}-v{self.version}.pdf"
