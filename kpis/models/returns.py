"""A contract's quarter and its figures: the quarterly return, the unit of work that is drafted,
submitted, approved and locked, and the readings it holds, one per KPI.

They live together because each reads the other: which readings may be shown depends on the
state of their quarter's return, and a return's history is that of its readings.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, kept_to, too_long_message
from contracts.models import Contract
from contracts.querysets import VersionedManager, VersionedQuerySet
from kpis.choices import ReturnState, UnitCode
from kpis.models import status_sql
from kpis.models.kpi import Kpi
from kpis.models.period import ReportingPeriod, backfill_note
from kpis.models.unit import Unit
from kpis.permissions import NO_RETURN, STATES
from kpis.permissions.sight import PUBLIC_STATES
from kpis.rules.status import Evaluation, evaluate


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
    # Why a draft is a draft again, so that lists can tag it: returned to the officer by a manager,
    # or reopened after approval; cleared when it is submitted again.
    back_to_draft = models.CharField(
        max_length=10,
        blank=True,
        choices=[("returned", "Returned"), ("reopened", "Reopened")],
        help_text="Whether a manager returned this draft to the officer or reopened it.",
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

    def holds_figures(self) -> bool:
        """Whether anything was entered in the quarter: a figure, a reason, commentary, a
        quarter's own target or a month; a return just opened holds empty rows only."""
        entered = (
            Q(value__isnull=False)
            | ~Q(not_measured_reason="")
            | ~Q(commentary="")
            | Q(target_override__isnull=False)
            | ~Q(reported_as="")
            | Q(months__isnull=False)
        )
        readings = Reading.objects.filter(
            kpi__contract_id=self.contract_id, period_id=self.period_id
        )
        return readings.filter(entered).exists()

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


BOTH_MESSAGE = "Give either a figure or the reason it was not measured, not both."
NOT_MEASURED_LENGTH = 200
REPORTED_AS_LENGTH = 60
COMMENTARY_LENGTH = LONG_TEXT_LENGTH
# Checked in `clean`, which the return page, the imports, the services and the admin all run.
TEXT_LIMITS = {
    "not_measured_reason": (NOT_MEASURED_LENGTH, too_long_message("reason", NOT_MEASURED_LENGTH)),
    "commentary": (COMMENTARY_LENGTH, too_long_message("commentary", COMMENTARY_LENGTH)),
}


class ReadingQuerySet(VersionedQuerySet):
    # Writes in bulk move the version of the readings' contracts on (`VersionedQuerySet`).
    contract_path = "kpi__contract"

    def for_contract(self, contract) -> ReadingQuerySet:
        return self.filter(kpi__contract=contract)

    def public(self) -> ReadingQuerySet:
        """Readings that packs, downloads, the API and open data may show: approved quarters
        only, whoever asks."""
        return self.filter(public_q())

    def with_status(self, today: datetime.date | None = None) -> ReadingQuerySet:
        """Annotate `status`, and `would_have_been` for suspended readings."""
        return status_sql.with_status(self, today or timezone.localdate())

    def with_rule(self) -> ReadingQuerySet:
        """Annotate the target and thresholds that judge each reading's quarter (before
        `with_status`, which then uses them)."""
        return status_sql.with_rule(self)

    def judged(
        self,
        *,
        kpi_ids: Sequence[int],
        period_ids: Sequence[int] = (),
        end_dates: Sequence[datetime.date] = (),
        today: datetime.date,
    ) -> list[Reading]:
        """The readings of these KPIs in these quarters (by id, or by their last day), with
        `status` and `would_have_been`, and their quarter's last day as `period_end`."""
        if period_ids and end_dates:
            raise ValueError("Name the quarters by id or by their last day, not both.")
        if connection.vendor == "postgresql":
            if end_dates:
                return status_sql.compiled_readings_with_status(
                    self.model, kpi_ids, end_dates, today, by_end_date=True
                )
            return status_sql.compiled_readings_with_status(self.model, kpi_ids, period_ids, today)
        # Arrays are PostgreSQL's; elsewhere (SQLite in development) the ORM compiles each time,
        # and asks nothing of the database when either list is empty.
        quarters = Q(period__end_date__in=end_dates) if end_dates else Q(period__in=period_ids)
        wanted = self.filter(quarters, kpi__in=kpi_ids).annotate(period_end=F("period__end_date"))
        return list(wanted.with_status(today).select_related("unit").order_by())

    def judged_values(
        self, *, kpi_ids: Sequence[int], period_ids: Sequence[int], today: datetime.date
    ) -> list[tuple]:
        """The readings of these KPIs in these quarters as tuples of `status_sql.JUDGED_VALUES`
        (id, KPI, quarter, figure, unit, target this quarter, status): for a page that judges
        many readings and shows few of them, without making an instance of each."""
        if connection.vendor == "postgresql":
            return status_sql.compiled_values_with_status(self.model, kpi_ids, period_ids, today)
        if not kpi_ids or not period_ids:
            return []
        wanted = self.filter(kpi__in=kpi_ids, period__in=period_ids)
        return list(wanted.with_status(today).order_by().values_list(*status_sql.JUDGED_VALUES))


class ReadingManager(models.Manager.from_queryset(ReadingQuerySet)):
    def get_by_natural_key(self, contract_code: str, reference: str, end_date: str) -> Reading:
        return self.get(
            kpi__contract__code=contract_code, kpi__reference=reference, period__end_date=end_date
        )


class Reading(models.Model):
    """One KPI in one quarter: a figure, or the reason there is none, and commentary."""

    # No index of their own: the unique (KPI, quarter) index and the (quarter, KPI) one below
    # serve lookups by either, and every index costs each reading written.
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="readings", db_index=False)
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="readings", db_index=False
    )
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
        max_length=NOT_MEASURED_LENGTH,
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
        max_length=REPORTED_AS_LENGTH,
        blank=True,
        help_text="The cell exactly as the source printed it.",
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
            in_force=self.kpi.in_force(self.period.end_date),
        )

    def clean(self) -> None:
        errors: dict[str, str] = {
            name: message
            for name, (limit, message) in TEXT_LIMITS.items()
            if len(getattr(self, name)) > limit
        }
        if self.kpi_id:
            errors = {**self._figure_errors(), **errors}
        if errors:
            raise ValidationError(errors)

    def _figure_errors(self) -> dict[str, str]:
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
        return errors

    def save(self, *args, **kwargs) -> None:
        if not self.unit_id and self.kpi_id:
            self.unit_id = self.kpi.unit_id
        super().save(*args, **kwargs)


def in_states_q(states: frozenset[str]) -> Q:
    """Readings whose contract's quarter has its return in one of `states` (`NO_RETURN`: none
    started yet)."""
    if states >= frozenset(STATES):
        return Q()
    returns = QuarterlyReturn.objects.filter(
        contract=OuterRef("kpi__contract"), period=OuterRef("period")
    )
    q = Q(Exists(returns.filter(state__in=sorted(states - {NO_RETURN}))))
    if NO_RETURN in states:
        q |= ~Q(Exists(returns))
    return q


def public_q() -> Q:
    """Readings that packs, downloads, the API and open data may show, whoever asks."""
    return in_states_q(PUBLIC_STATES)
