from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from contracts.limits import REASON_LENGTH, kept_to
from contracts.models import Contract, VersionedManager
from kpis.choices import ReturnState
from kpis.models.period import ReportingPeriod, backfill_note
from kpis.models.reading import Reading


class QuarterlyReturnManager(VersionedManager):
    def get_by_natural_key(self, contract_code: str, end_date: str) -> QuarterlyReturn:
        return self.get(contract__code=contract_code, period__end_date=end_date)


class QuarterlyReturn(models.Model):
    """One contract's quarter as a unit of work: drafted, submitted, then approved and locked."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="returns")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept on the row (and so in its history) in full; the history's change reason holds only
    # the first 100 characters.
    reopen_reason = models.TextField(
        blank=True,
        help_text="Why the return was last reopened.",
        validators=[kept_to(REASON_LENGTH, "reason")],
    )
    # Where a back-filled quarter's figures were taken from, so that the committee can check them.
    backfill_source = models.CharField(
        "source document",
        max_length=200,
        blank=True,
        help_text="The published document a past quarter's figures were back-filled from.",
    )
    backfill_page = models.CharField("source page", max_length=50, blank=True)
    backfilled_at = models.DateTimeField(null=True, blank=True)
    backfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = QuarterlyReturnManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"],
                name="one_return_per_contract_and_quarter",
                violation_error_message="This contract already has a return for this quarter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} return for {self.period}"

    def natural_key(self) -> tuple[str, str]:
        return (self.contract.code, self.period.end_date.isoformat())

    natural_key.dependencies = ["contracts.contract", "kpis.reportingperiod"]

    @property
    def is_locked(self) -> bool:
        return self.state == ReturnState.APPROVED

    @property
    def backfill_note(self) -> str:
        return backfill_note(self.backfill_source, self.backfill_page)

    def has_figures_entered_by(self, user) -> bool:
        """Whether `user` has written any of this quarter's figures, reasons, commentary or
        targets here (by hand, by import or in the admin), as its readings' history records;
        opening the return, which adds empty rows, is not entering figures."""
        history = Reading.history.filter(
            kpi__contract_id=self.contract_id, period_id=self.period_id, history_user_id=user.pk
        )
        empty_row_added = {
            "history_type": "+",
            "value": None,
            "not_measured_reason": "",
            "commentary": "",
            "target_override": None,
        }
        return history.exclude(**empty_row_added).exists()
