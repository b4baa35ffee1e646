from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from contracts.models import ServiceArea
from contracts.querysets import VersionedQuerySet
from kpis.models.period import ReportingPeriod


class PublishedSummaryQuerySet(VersionedQuerySet):
    contract_path = "service_area__contract"


_PublishedSummaryManager = models.Manager.from_queryset(PublishedSummaryQuerySet)


class PublishedSummaryManager(_PublishedSummaryManager):
    def get_by_natural_key(self, contract_code: str, area_code: str, end_date: str):
        return self.get(
            service_area__contract__code=contract_code,
            service_area__code=area_code,
            period__end_date=end_date,
        )


class PublishedSummary(models.Model):
    """The counts the supplier reported for a service area and quarter (the report's table 4.3).

    Kept beside what the app computes from the figures, so that differences can be questioned.
    """

    service_area = models.ForeignKey(
        ServiceArea, on_delete=models.CASCADE, related_name="published_summaries"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="published_summaries"
    )
    measured = models.PositiveSmallIntegerField(help_text="KPIs reported as measured.")
    met = models.PositiveSmallIntegerField(help_text="KPIs reported as hit.")
    source = models.CharField(max_length=300, blank=True)

    objects = PublishedSummaryManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "published summaries"
        ordering = ["service_area", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_area", "period"],
                name="one_published_summary_per_area_and_quarter",
                violation_error_message="A published count for this area and quarter exists.",
            ),
            models.CheckConstraint(
                condition=Q(met__lte=F("measured")),
                name="published_met_within_measured",
                violation_error_message="More KPIs cannot be hit than were measured.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_area.code} {self.period}: {self.met} of {self.measured}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.service_area.natural_key(), self.period.end_date.isoformat())

    natural_key.dependencies = ["contracts.servicearea", "kpis.reportingperiod"]

    def clean(self) -> None:
        if self.met is not None and self.measured is not None and self.met > self.measured:
            raise ValidationError({"met": "More KPIs cannot be hit than were measured."})
