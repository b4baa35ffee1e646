"""Saving a quarterly return's figures: from the return page, an import, a back-fill or the admin.

A save writes only the rows that changed, each checked by the model's own rules and, for a
monthly KPI, with its months and the quarter's figure worked out from them (`kpis.rules.rollup`).
`save_return` writes every row or none (an import); `save_draft` keeps the valid rows, so that
one mistyped figure costs no other work (the return page); `write_rows` is the check and write
they share, which back-fill (`kpis.writes.backfill`) calls after its own lock and permission.
Each row carries the version of the reading the user started from, so that a row someone else
saved meanwhile stops the save (`EditConflict`) rather than being overwritten unseen.

The admin changes one reading at a time, outside these: it calls `ensure_editable` inside its
own transaction before the change, and `roll_up_stored_months` after changing a reading's months.

Every service is keyword-only and atomic, and asks the permission table (`kpis.permissions`)
about the return's state as re-read under the locks of `kpis.writes.locks`, then checks the
input, before it writes anything: a refused save leaves no trace.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contracts.models import Contract
from kpis.models import Kpi, MonthlyFigure, QuarterlyReturn, Reading, ReportingPeriod
from kpis.models.months import quarter_from
from kpis.permissions import Action, require
from kpis.rules import rollup
from kpis.writes import locks
from kpis.writes.opening import add_missing_readings, kpis_without_a_row, locked_return

NOT_IN_FORCE_MESSAGE = "It is not in force this quarter: nothing can be entered for it."
READING_FIELDS = ["value", "not_measured_reason", "commentary", "target_override"]
MONTH_FIELDS = ["value", "not_measured_reason", "numerator", "denominator"]
FROM_MONTHS_MESSAGE = (
    "This quarter's figure is worked out from its months: change the months on the return page."
)
QUARTER_AND_MONTHS_MESSAGE = (
    "Leave the quarter's figure empty when you give the months: it is worked out from them."
)


class ReturnInvalid(ValidationError):
    """Problems with some rows of a return, keyed by KPI id then field name."""

    def __init__(self, row_errors: dict[int, dict[str, str]]) -> None:
        self.row_errors = row_errors
        super().__init__("Some figures need correcting.", code="invalid")


class EditConflict(Exception):
    """Someone else saved rows of this return after the user opened it; nothing was written."""

    def __init__(self, current: dict[int, Reading]) -> None:
        self.current = current
        super().__init__(f"{len(current)} rows were changed by someone else.")


@dataclass(frozen=True)
class MonthEntry:
    """What a user entered for one month of a monthly KPI: a figure, a reason, or two parts."""

    month_end: datetime.date
    value: Decimal | None = None
    not_measured_reason: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def entered(self) -> bool:
        return any(
            (
                self.value is not None,
                bool(self.not_measured_reason.strip()),
                self.numerator is not None,
                self.denominator is not None,
            )
        )


@dataclass(frozen=True)
class RowEntry:
    """What a user entered for one KPI, with the version of the reading they started from.

    `months` is None where the months are not being entered (imports, quarterly KPIs); a tuple,
    even of empty months, where they are: the months then replace those stored, and, where any is
    entered, the quarter's figure and reason are worked out from them (`kpis.rules.rollup`)."""

    kpi_id: int
    version: int | None
    value: Decimal | None
    not_measured_reason: str = ""
    commentary: str = ""
    target_override: Decimal | None = None
    # The figure as the source printed it ("3,289 tonnes"), from an import; None leaves what is
    # held, as the return page does.
    reported_as: str | None = None
    months: tuple[MonthEntry, ...] | None = None


def ensure_editable(reading: Reading, user) -> None:
    """Refuse a change to a reading unless its quarter's return lets `user` edit it.

    Checks where the reading is now and, for a stored one, where it was: moving a reading out
    of a locked quarter is a change to that quarter too. The returns are read under their locks,
    so call this inside the transaction that writes the reading (the admin's).
    """
    places = set()
    if reading.kpi_id and reading.period_id:
        places.add((reading.kpi.contract_id, reading.period.end_date))
    if reading.pk:
        stored = Reading.objects.filter(pk=reading.pk)
        places.update(stored.values_list("kpi__contract_id", "period__end_date"))
    locks.lock_contracts(*(contract_id for contract_id, _ in places))
    for contract_id, end_date in sorted(places):
        quarterly_return = locks.lock_return(contract_id, end_date)
        require(user, Action.EDIT, quarterly_return, contract_id=contract_id)


def _differs(reading: Reading, entry: RowEntry, with_target: bool) -> bool:
    fields = READING_FIELDS if with_target else READING_FIELDS[:3]
    if entry.months is not None:
        if _month_key(reading.months.all()) != _month_key(entry.months):
            return True
        if any(m.entered for m in entry.months):
            # The quarter's figure follows the months, which have not changed.
            fields = [name for name in fields if name not in ("value", "not_measured_reason")]
    return any(getattr(reading, name) != getattr(entry, name) for name in fields)


def _month_key(months) -> set[tuple]:
    """What was entered for the months, to compare what is stored with what was typed: the
    parts where given (the figure is worked out from them), else the figure or the reason."""
    key = set()
    for month in months:
        reason = month.not_measured_reason.strip()
        if month.numerator is not None or month.denominator is not None:
            key.add((month.month_end, None, "", month.numerator, month.denominator))
        elif month.value is not None or reason:
            key.add((month.month_end, month.value, reason, None, None))
    return key


@dataclass
class MonthsToWrite:
    """The months of one reading to write once every row has passed."""

    kept: list[MonthlyFigure]
    removed: list[MonthlyFigure]


def _month_problems(
    reading: Reading, entry: RowEntry
) -> tuple[dict[str, str], MonthsToWrite | None]:
    """Put the entry's months on the reading's figures and work the quarter out from them.

    Returns the problems by field (`m1_value`, `m2_numerator`..., as the return page names
    them) and the months to write. The quarter's figure and reason are set on the entry's
    behalf on the reading (by `_apply`'s caller) from the roll-up."""
    assert entry.months is not None
    quarter_months = rollup.quarter_months(reading.period.end_date)
    stored = {figure.month_end: figure for figure in reading.months.all()}
    problems: dict[str, str] = {}
    kept: list[MonthlyFigure] = []
    seen: set[datetime.date] = set()
    for month in entry.months:
        if month.month_end in seen:
            problems["months"] = (
                f"{rollup.month_label(month.month_end)} is given twice: give each month once."
            )
            continue
        seen.add(month.month_end)
        if not month.entered:
            continue
        figure = stored.get(month.month_end) or MonthlyFigure(month_end=month.month_end)
        figure.reading = reading
        figure.not_measured_reason = month.not_measured_reason.strip()
        # A month given as parts has its figure worked out, never typed.
        has_parts = month.numerator is not None or month.denominator is not None
        figure.value = None if has_parts else month.value
        figure.numerator, figure.denominator = month.numerator, month.denominator
        if month.month_end in quarter_months:
            index = quarter_months.index(month.month_end) + 1
        else:
            index = 0
        for field, message in figure.problems().items():
            name = "months" if field == "month_end" or not index else f"m{index}_{field}"
            problems.setdefault(name, message)
        kept.append(figure)
    if kept and (entry.value is not None or entry.not_measured_reason.strip()):
        problems.setdefault("value", QUARTER_AND_MONTHS_MESSAGE)
    removed = [figure for end, figure in stored.items() if end not in {f.month_end for f in kept}]
    return problems, MonthsToWrite(kept, removed)


def _apply(reading: Reading, entry: RowEntry, with_target: bool) -> dict[str, str]:
    """Put the entry on the reading and return its problems by field (the model's own rules)."""
    reading.value = entry.value
    reading.not_measured_reason = entry.not_measured_reason.strip()
    reading.commentary = entry.commentary.strip()
    if with_target:
        reading.target_override = entry.target_override
    if entry.reported_as is not None:
        reading.reported_as = entry.reported_as
    try:
        reading.clean()
    except ValidationError as error:
        return {field: messages[0] for field, messages in error.message_dict.items()}
    # Commentary on a miss is asked for on submission (`incomplete_rows`), not on every save.
    return {}


def _apply_with_months(
    reading: Reading, entry: RowEntry, with_target: bool
) -> tuple[dict[str, str], MonthsToWrite | None]:
    """`_apply`, with the months where the entry gives them: the quarter's figure and reason
    are then the roll-up of the months entered, or as typed where no month is."""
    if entry.months is None:
        if reading.months.all() and (
            reading.value != entry.value
            or reading.not_measured_reason != entry.not_measured_reason.strip()
        ):
            return {"value": FROM_MONTHS_MESSAGE}, None
        return _apply(reading, entry, with_target), None
    problems, months = _month_problems(reading, entry)
    if problems:
        return problems, None
    assert months is not None
    if months.kept:
        quarter = quarter_from(reading, months.kept)
        entry = dataclasses.replace(
            entry, value=quarter.value, not_measured_reason=quarter.not_measured_reason
        )
    problems = _apply(reading, entry, with_target)
    if "value" in problems and months.kept:
        problems["value"] = f"The quarter's figure worked out from the months: {problems['value']}"
    return problems, months


def _write_months(months: list[MonthsToWrite], user, reason: str) -> None:
    """Write the months of the rows saved: in a fixed number of queries, whatever their number."""
    removed = [figure.pk for m in months for figure in m.removed]
    kept = [figure for m in months for figure in m.kept]
    if removed:
        MonthlyFigure.objects.filter(pk__in=removed).delete()
    new = [figure for figure in kept if figure.pk is None]
    old = [figure for figure in kept if figure.pk is not None]
    if new:
        bulk_create_with_history(
            new, MonthlyFigure, default_user=user, default_change_reason=reason
        )
    if old:
        bulk_update_with_history(
            old, MonthlyFigure, MONTH_FIELDS, default_user=user, default_change_reason=reason
        )


@dataclass
class DraftSaved:
    """What a draft save wrote, and the rows it left out with their problems by field."""

    written: list[Reading]
    problems: dict[int, dict[str, str]]


@transaction.atomic
def save_return(
    *,
    quarterly_return: QuarterlyReturn,
    user,
    entries: Sequence[RowEntry],
    set_targets: bool = False,
    reason: str = "",
) -> list[Reading]:
    """Write the rows that changed, all or none. Returns the readings written.

    Raises `ReturnLocked` for a return that is not a draft (approved, or submitted and frozen),
    `ReturnInvalid` when any row is wrong, and
    `EditConflict` when a row the user changed was saved by someone else since they read it.
    """
    saved = _save_rows(quarterly_return, user, entries, set_targets, reason, keep_valid=False)
    return saved.written


@transaction.atomic
def save_draft(
    *,
    quarterly_return: QuarterlyReturn,
    user,
    entries: Sequence[RowEntry],
    set_targets: bool = False,
) -> DraftSaved:
    """Write every valid row that changed and leave out the others, so that one mistyped figure
    costs no other work. Conflicts still stop the whole save (`EditConflict`): the user must see
    the other person's figures before choosing."""
    return _save_rows(quarterly_return, user, entries, set_targets, "", keep_valid=True)


def _save_rows(
    quarterly_return: QuarterlyReturn,
    user,
    entries: Sequence[RowEntry],
    set_targets: bool,
    reason: str,
    *,
    keep_valid: bool,
) -> DraftSaved:
    current = locked_return(quarterly_return)
    require(user, Action.EDIT, current)
    if set_targets:
        require(user, Action.SET_TARGETS, current)
    return write_rows(
        quarterly_return,
        user=user,
        entries=entries,
        set_targets=set_targets,
        reason=reason,
        keep_valid=keep_valid,
    )


def _locked_rows(contract: Contract, period: ReportingPeriod) -> dict[int, Reading]:
    """The return's readings by KPI id, locked, with their KPIs and months, each saying whether
    any KPI in force lacks a row (`kpis_without_a_row`): two queries, whatever the number of
    KPIs. Nothing here judges a figure, so the KPIs' suspensions and changes of rule are not
    read."""
    rows = (
        Reading.objects.filter(kpi__contract=contract, period=period)
        .annotate(kpis_without_a_row=Exists(kpis_without_a_row(contract, period)))
        # Lock the readings alone, not their KPIs and units.
        .select_for_update(of=("self",))
        .select_related("kpi__unit")
        .prefetch_related("months")
    )
    return {r.kpi_id: r for r in rows}


def _no_row_message(contract: Contract, period: ReportingPeriod, kpi_id: int) -> str:
    """Why an entry has no row in the return: its KPI is not in force that quarter (so none was
    made), or is not the contract's."""
    kpi = Kpi.objects.for_contract(contract).filter(pk=kpi_id).first()
    if kpi is not None and (outside := kpi.not_in_force_reason(period.end_date)):
        return f"{outside} {NOT_IN_FORCE_MESSAGE}"
    return "This KPI is not part of this contract."


def write_rows(
    quarterly_return: QuarterlyReturn,
    *,
    user,
    entries: Sequence[RowEntry],
    set_targets: bool,
    reason: str,
    keep_valid: bool,
) -> DraftSaved:
    """Check and write the rows; the caller has locked the return and asked the permission
    table, so this is for the services alone."""
    contract = quarterly_return.contract
    period = quarterly_return.period
    readings = _locked_rows(contract, period)
    # A KPI in force with no row, one whose life span has moved since the return was opened,
    # is given its empty row first, so that the gap is counted as missing.
    gaps = not readings or any(
        r.kpis_without_a_row  # type: ignore[attr-defined]
        for r in readings.values()
    )
    if gaps and add_missing_readings(contract=contract, period=period, user=user):
        readings = _locked_rows(contract, period)
    errors: dict[int, dict[str, str]] = {}
    conflicts: dict[int, Reading] = {}
    changed: list[Reading] = []
    months: list[MonthsToWrite] = []
    for entry in entries:
        reading = readings.get(entry.kpi_id)
        if reading is None:
            errors[entry.kpi_id] = {"value": _no_row_message(contract, period, entry.kpi_id)}
            continue
        if not _differs(reading, entry, set_targets):
            continue
        if outside := reading.kpi.not_in_force_reason(period.end_date):
            # A figure held from before the life span was set stays as it is, shown but not
            # judged; nothing new is entered for a quarter the KPI is not in force.
            errors[entry.kpi_id] = {"value": f"{outside} {NOT_IN_FORCE_MESSAGE}"}
            continue
        # No version: the row was not stored when the user opened the page (a new KPI).
        if (entry.version or 1) != reading.version:
            conflicts[entry.kpi_id] = Reading(
                **{name: getattr(reading, name) for name in READING_FIELDS},
                kpi=reading.kpi,
                period=period,
                version=reading.version,
                updated_at=reading.updated_at,
            )
        reading.period = period
        problems, row_months = _apply_with_months(reading, entry, set_targets)
        if problems:
            errors[entry.kpi_id] = problems
        else:
            changed.append(reading)
            if row_months is not None:
                months.append(row_months)
    if errors and not keep_valid:
        raise ReturnInvalid(errors)
    if conflicts:
        raise EditConflict(conflicts)
    now = timezone.now()
    for reading in changed:
        reading.version += 1
        reading.updated_at = now
    reason = reason or f"Return for {period.label} saved"
    if changed:
        bulk_update_with_history(
            changed,
            Reading,
            [*READING_FIELDS, "reported_as", "version", "updated_at"],
            default_user=user,
            default_change_reason=reason,
        )
    _write_months(months, user, reason)
    return DraftSaved(changed, errors)


def roll_up_stored_months(reading: Reading, *, user, reason: str) -> bool:
    """Write the quarter's figure and reason from the months stored beneath it, where any are
    (after the admin has changed them). For a caller that has run `ensure_editable` in the same
    transaction. Returns whether the reading changed."""
    figures = list(MonthlyFigure.objects.filter(reading=reading))
    if not figures:
        return False
    quarter = quarter_from(reading, figures)
    if (reading.value, reading.not_measured_reason) == (
        quarter.value,
        quarter.not_measured_reason,
    ):
        return False
    reading.value, reading.not_measured_reason = quarter.value, quarter.not_measured_reason
    reading.full_clean()
    reading.version += 1
    reading._history_user = user  # type: ignore[attr-defined]
    reading._change_reason = reason  # type: ignore[attr-defined]
    reading.save()
    return True
