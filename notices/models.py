"""Contract Performance Notices, the ratings they give each published KPI, and the breaches
after which a notice is due.

A notice is drafted from approved figures, rated KPI by KPI (a manager may change a proposed
rating with a written justification), then approved by a second person, which publishes it: its
regulation 39 content is stored with its checksum and never changes again (`save` refuses), as
a published committee pack never does. Publishing the same period again makes a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, kept_to
from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from kpis.models import Kpi
from notices import rules
from notices.choices import BreachOutcome, NoticeKind, NoticeState, Rating


class BreachQuerySet(VersionedQuerySet):
    def for_contract(self, contract) -> BreachQuerySet:
        return self.filter(contract=contract)


class Breach(models.Model):
    """A breach, or a failure to perform after notice, that makes a notice due within 30 days."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField(
        "date",
        help_text="The day of the outcome: the termination, the award of damages, the "
        "settlement, or the failure after notice.",
    )
    description = models.TextField(
        "what happened", validators=[kept_to(LONG_TEXT_LENGTH, "description")]
    )
    outcome = models.CharField(max_length=30, choices=BreachOutcome.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "-occurred_on", "-pk"]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"{self.contract.code} breach of {self.occurred_on}"

    @property
    def notice_due_on(self):
        return rules.breach_due(self.occurred_on)


class NoticeQuerySet(VersionedQuerySet):
    def for_contract(self, contract) -> NoticeQuerySet:
        return self.filter(contract=contract)

    def published(self) -> NoticeQuerySet:
        return self.filter(state=NoticeState.PUBLISHED)

    def drafts(self) -> NoticeQuerySet:
        return self.filter(state=NoticeState.DRAFT)

    def readable_by_all(self) -> NoticeQuerySet:
        """What anyone signed in, the API and downloads may read: published notices only."""
        return self.published()

    def newest_first(self) -> NoticeQuerySet:
        return self.order_by("-period_end", "-version", "-pk")


class PerformanceNotice(models.Model):
    """One Contract Performance Notice: a draft, or (once approved) a published, frozen one."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="performance_notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices, default=NoticeKind.PERIODIC)
    breach = models.ForeignKey(
        Breach, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    period_start = models.DateField("period assessed from")
    period_end = models.DateField("period assessed to")
    state = models.CharField(max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="1 for the first publication of the period; more on republication."
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    # The quarters of the period that were not approved when it was drafted, as "2019-03-31".
    missing_quarters = models.JSONField(default=list, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Once published: the regulation 39 fields as published, and the figures behind each rating.
    content = models.JSONField(null=True, blank=True)
    sha256 = models.CharField("SHA-256 of the content", max_length=64, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "period_end", "version", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="notice_period_ends_after_start",
                violation_error_message="The period must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(state=NoticeState.DRAFT)
                | (Q(content__isnull=False) & ~Q(sha256="") & Q(approved_at__isnull=False)),
                name="published_notice_is_frozen",
                violation_error_message="A published notice holds its content and checksum.",
            ),
            models.UniqueConstraint(
                fields=["contract", "kind", "period_start", "period_end", "version"],
                condition=Q(state=NoticeState.PUBLISHED),
                name="one_published_notice_per_period_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} performance notice {self.period_start} to {self.period_end}"

    def save(self, *args, **kwargs) -> None:
        # A published notice is frozen: it never changes; a republication is a new notice.
        if self.pk is not None and (
            PerformanceNotice.objects.filter(pk=self.pk, state=NoticeState.PUBLISHED).exists()
        ):
            raise ValueError("A published notice never changes: publish a new version instead.")
        super().save(*args, **kwargs)

    @property
    def stored(self) -> dict:
        """What was stored when the notice was published (empty for a draft)."""
        return self.content or {}

    @property
    def is_published(self) -> bool:
        return self.state == NoticeState.PUBLISHED

    @property
    def quarter_ends(self):
        return rules.quarter_ends_in(self.period_start, self.period_end)

    def get_absolute_url(self) -> str:
        return reverse("notice_detail", args=[self.contract.code, self.pk])

    @property
    def title(self) -> str:
        return (
            f"Contract Performance Notice, {self.period_start:%-d %B %Y} to "
            f"{self.period_end:%-d %B %Y}"
        )

    @property
    def filename(self) -> str:
        return f"{self.contract.code}-performance-notice-{self.period_end}-v{self.version}"


class NoticeRatingQuerySet(VersionedQuerySet):
    contract_path = "notice__contract"


class NoticeRating(models.Model):
    """One published KPI's rating in a notice: the rating the figures propose, the rating given,
    and the justification for any change, kept beside the proposal."""

    notice = models.ForeignKey(PerformanceNotice, on_delete=models.CASCADE, related_name="ratings")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="notice_ratings")
    position = models.PositiveSmallIntegerField(default=0)
    proposed = models.CharField(max_length=30, choices=Rating.choices)
    rating = models.CharField(max_length=30, choices=Rating.choices)
    justification = models.TextField(
        blank=True, validators=[kept_to(REASON_LENGTH, "justification")]
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Each quarter read, with its status, figure and any relief; and what else the product
    # holds about the KPI (persistent failure, open plans and questions), as drafted.
    evidence = models.JSONField(default=dict)

    objects = NoticeRatingQuerySet.as_manager()

    class Meta:
        ordering = ["notice", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "kpi"], name="one_rating_per_notice_kpi"),
            models.CheckConstraint(
                condition=Q(rating=models.F("proposed")) | ~Q(justification=""),
                name="changed_rating_is_justified",
                violation_error_message="A rating other than the one proposed needs a "
                "written justification.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} rated {self.get_rating_display()}"

    @property
    def is_changed(self) -> bool:
        return self.rating != self.proposed
