from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kpis.choices import UnitCode
from kpis.models.kpi import Kpi
from kpis.models.period import ReportingPeriod
from kpis.models.unit import Unit
from kpis.querysets import ReadingQuerySet
from kpis.status import Evaluation, evaluate

BOTH_MESSAGE = "Give either a figure or the reason it was not measured, not both."


class ReadingManager(models.Manager.from_queryset(ReadingQuerySet)):
    def get_by_natural_key(self, contract_code: str, reference: str, end_date: str) -> Reading:
        return self.get(
            kpi__contract__code=contract_code, kpi__reference=reference, period__end_date=end_date
        )


class Reading(models.Model):
    """One KPI in one quarter: a figure, or the reason there is none, and commentary."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="readings")
    value = models.DecimalField("figure", max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The unit of the figure as reported; empty means the KPI's own unit.",
    )
    not_measured_reason = models.CharField(
        "reason not measured",
        max_length=200,
        blank=True,
        help_text='Why there is no figure: "no survey", "no call received", "N/A".',
    )
    target_override = models.DecimalField(
        "target this quarter",
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Only where this quarter's target differs from the KPI's default.",
    )
    commentary = models.TextField(
        blank=True, help_text="Why a target was missed and what is being done about it."
    )
    reported_as = models.CharField(
        max_length=60, blank=True, help_text="The cell exactly as the source printed it."
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every save, so that concurrent edits are detected."
    )

    objects = ReadingManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period"],
                name="one_reading_per_kpi_and_quarter",
                violation_error_message="This KPI already has a reading for this quarter.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(not_measured_reason=""),
                name="reading_figure_or_reason",
                violation_error_message=BOTH_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(unit=UnitCode.PERCENT)
                | Q(value__isnull=True)
                | (Q(value__gte=0) & Q(value__lte=100)),
                name="reading_percent_0_to_100",
                violation_error_message="A percentage must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=[UnitCode.COUNT, UnitCode.DAYS])
                | Q(value__isnull=True)
                | Q(value__gte=0),
                name="reading_count_days_not_negative",
                violation_error_message="A number of failures or days cannot be negative.",
            ),
        ]
        indexes = [models.Index(fields=["period", "kpi"], name="reading_period_kpi")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.period}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.kpi.natural_key(), self.period.end_date.isoformat())

    natural_key.dependencies = ["kpis.kpi", "kpis.reportingperiod"]

    @property
    def rule(self):
        """The target and thresholds that judge this quarter."""
        return self.kpi.rule_for(self.period.end_date, self.target_override)

    @property
    def target(self) -> Decimal | None:
        """The target in force this quarter."""
        return self.rule.target

    @property
    def unit_matches(self) -> bool:
        return not self.unit_id or self.unit_id == self.kpi.unit_id

    @property
    def figure_unit(self) -> Unit:
        """The unit the figure was reported in, read without a query where it is the KPI's."""
        if not self.unit_id or self.unit_id == self.kpi.unit_id:
            return self.kpi.unit
        return self.unit

    def is_suspended(self) -> bool:
        return any(s.covers(self.period) for s in self.kpi.suspensions.all())

    def evaluate(self, today: datetime.date | None = None) -> Evaluation:
        """This reading's status. Prefetch `kpi__suspensions` and `kpi__rule_changes` when
        evaluating many."""
        today = today or timezone.localdate()
        return evaluate(
            rule=self.rule,
            value=self.value,
            not_measured_reason=self.not_measured_reason,
            unit_matches=self.unit_matches,
            suspended=self.is_suspended(),
            due=self.kpi.is_due(self.period),
            quarter_over=self.period.is_over(today),
        )

    def clean(self) -> None:
        if not self.kpi_id:
            return
        if not self.unit_id:
            self.unit_id = self.kpi.unit_id
        errors: dict[str, str] = {}
        if self.value is not None and self.not_measured_reason.strip():
            errors["not_measured_reason"] = BOTH_MESSAGE
        problem = self.kpi.figure_problem(self.value, self.figure_unit)
        if problem:
            errors["value"] = problem
        problem = self.kpi.figure_problem(self.target_override)
        if problem:
            errors["target_override"] = problem
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        if not self.unit_id and self.kpi_id:
            self.unit_id = self.kpi.unit_id
        super().save(*args, **kwargs)
