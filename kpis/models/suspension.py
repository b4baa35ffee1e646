from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from contracts.dates import quarter_out_of_range
from contracts.limits import REASON_LENGTH, kept_to
from kpis.models.kpi import Kpi, KpiRowManager, KpiRowQuerySet
from kpis.models.period import QUARTER_END_MESSAGE, ReportingPeriod, is_quarter_end
from kpis.rules.conflicts import CONFLICT


class SuspensionManager(KpiRowManager):
    def get_by_natural_key(self, contract_code: str, reference: str, first_quarter: str):
        return self.get(
            kpi__contract__code=contract_code, kpi__reference=reference, first_quarter=first_quarter
        )


class Suspension(models.Model):
    """A KPI taken out of the counts for a span of quarters. Figures recorded meanwhile are kept."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="suspensions")
    first_quarter = models.DateField(help_text="The last day of the first quarter suspended.")
    last_quarter = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of the last quarter suspended; empty while it goes on.",
    )
    reason = models.TextField(validators=[kept_to(REASON_LENGTH, "reason")])

    objects = SuspensionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "first_quarter"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_quarter__isnull=True) | Q(last_quarter__gte=F("first_quarter")),
                name="suspension_ends_after_start",
                violation_error_message="The last quarter cannot come before the first.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="suspension_has_reason",
                violation_error_message="Say why the KPI is suspended.",
            ),
        ]
        indexes = [models.Index(fields=["kpi", "first_quarter"], name="suspension_kpi_first")]

    def __str__(self) -> str:
        return f"{self.kpi} suspended from {self.first_quarter:%b-%y}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.kpi.natural_key(), self.first_quarter.isoformat())

    natural_key.dependencies = ["kpis.kpi"]

    def covers(self, period: ReportingPeriod) -> bool:
        return self.first_quarter <= period.end_date and (
            self.last_quarter is None or period.end_date <= self.last_quarter
        )

    def clean(self) -> None:
        errors = {}
        if self.first_quarter and not is_quarter_end(self.first_quarter):
            errors["first_quarter"] = QUARTER_END_MESSAGE
        if self.last_quarter and not is_quarter_end(self.last_quarter):
            errors["last_quarter"] = QUARTER_END_MESSAGE
        elif self.first_quarter and self.last_quarter and self.last_quarter < self.first_quarter:
            errors["last_quarter"] = "The last quarter cannot come before the first."
        if not self.reason.strip():
            errors["reason"] = "Say why the KPI is suspended."
        # Where a well-formed span lies is asked once its shape is right.
        if self.kpi_id and not errors:
            for name in ("first_quarter", "last_quarter"):
                problem = quarter_out_of_range(self.kpi.contract, getattr(self, name))
                if problem:
                    errors.setdefault(name, problem)
        if errors:
            raise ValidationError(errors)


class SuspensionRequest(models.Model):
    """An officer's request that a manager suspend a KPI: officers may ask, never grant."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a manager"
        GRANTED = "granted", "Granted"
        DECLINED = "declined", "Declined"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="suspension_requests")
    first_quarter = models.DateField()
    last_quarter = models.DateField(null=True, blank=True)
    reason = models.TextField(validators=[kept_to(REASON_LENGTH, "reason")])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        blank=True, help_text="Why it was declined.", validators=[kept_to(REASON_LENGTH, "reason")]
    )
    suspension = models.ForeignKey(
        Suspension, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = KpiRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="suspension_request_has_reason",
                violation_error_message="Say why the KPI should be suspended.",
            ),
        ]

    def __str__(self) -> str:
        return f"Request to suspend {self.kpi} from {self.first_quarter:%b-%y}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


def refuse_repeated_request(kpi: Kpi, first_quarter, last_quarter) -> None:
    """Refuse a request for a span overlapping one still waiting for a manager: the form sent
    twice, or two officers asking at once. One decision answers both."""
    waiting = SuspensionRequest.objects.filter(
        kpi=kpi,
        state=SuspensionRequest.State.PENDING,
        first_quarter__lte=last_quarter or datetime.date.max,
    ).exclude(last_quarter__lt=first_quarter)
    if waiting.exists():
        raise ValidationError(
            f"A request to suspend {kpi.reference} for part of that span is already waiting "
            "for a manager: nothing was sent again.",
            code=CONFLICT,
        )
