"""Writes to quarterly returns: open, save, submit, approve, send back, reopen.

Every function is keyword-only and atomic, and asks the permission table (`kpis.permissions`)
about the return's state as re-read under the locks of `kpis.writes.locks` (its contract's row,
then the return's), then checks the input, before it writes anything: a refused change leaves no
trace, and two decisions about one quarter run one after the other. Admin pages call
`ensure_editable` before they change a reading.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from contracts.limits import REASON_LENGTH, too_long_message
from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end, quarter_end_for
from kpis.permissions import Action, require
from kpis.rules.status import MEASURED, Status
from kpis.writes import locks

NOT_IN_FORCE_MESSAGE = "It is not in force this quarter: nothing can be entered for it."
COMMENTARY_MESSAGE = "Explain why the target was missed and what is being done about it"
READING_FIELDS = ["value", "not_measured_reason", "commentary", "target_override"]


class ReturnInvalid(ValidationError):
    """Problems with some rows of a return, keyed by KPI id then field name."""

    def __init__(self, row_errors: dict[int, dict[str, str]]) -> None:
        self.row_errors = row_errors
        super().__init__("Some figures need correcting.", code="invalid")


class ReturnIncomplete(ValidationError):
    """Rows that stop a return being submitted: (KPI id, field, message)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__([message for _, _, message in problems])


class EditConflict(Exception):
    """Someone else saved rows of this return after the user opened it; nothing was written."""

    def __init__(self, current: dict[int, Reading]) -> None:
        self.current = current
        super().__init__(f"{len(current)} rows were changed by someone else.")


@dataclass(frozen=True)
class RowEntry:
    """What a user entered for one KPI, with the version of the reading they started from."""

    kpi_id: int
    version: int | None
    value: Decimal | None
    not_measured_reason: str = ""
    commentary: str = ""
    target_override: Decimal | None = None
    # The figure as the source printed it ("3,289 tonnes"), from an import; None leaves what is
    # held, as the return page does.
    reported_as: str | None = None


def return_for(*, contract_id: int, period_id: int) -> QuarterlyReturn | None:
    return QuarterlyReturn.objects.filter(contract_id=contract_id, period_id=period_id).first()


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


def misses_target(reading: Reading) -> bool:
    """True when the reading's figure is judged and falls short of the target in force (a
    judgement of the figure alone, which the day does not change)."""
    status = reading.evaluate().status
    return status in MEASURED and status != Status.MET


def _add_missing_readings(*, contract: Contract, period: ReportingPeriod, user) -> list[Reading]:
    """One empty reading per KPI of the contract in force that quarter that has none, so gaps are
    counted as missing; a KPI outside its life span is never offered for entry."""
    missing = (
        Kpi.objects.for_contract(contract)
        .in_force_at(period.end_date)
        .exclude(readings__period=period)
    )
    rows = [Reading(kpi=kpi, period=period, unit_id=kpi.unit_id) for kpi in missing.only("unit")]
    if not rows:
        return []
    return bulk_create_with_history(
        rows, Reading, default_user=user, default_change_reason="Return opened"
    )


def open_return(*, contract: Contract, end_date: datetime.date, user) -> QuarterlyReturn:
    """The contract's return for the quarter ending `end_date`, created with a row per KPI.

    Two people, or one double click, may start the same quarter at once: the second waits on
    the contract's lock (`kpis.writes.locks`) and then finds the return the first made. Two
    contracts may also create the same new quarter at once; the second insert then breaks the unique
    constraint on its end date, its savepoint is rolled back and it starts again, finding it.
    """
    try:
        return _open_return(contract=contract, end_date=end_date, user=user)
    except IntegrityError:
        return _open_return(contract=contract, end_date=end_date, user=user)


@transaction.atomic
def _open_return(*, contract: Contract, end_date: datetime.date, user) -> QuarterlyReturn:
    require(user, Action.START, contract_id=contract.pk)
    if not is_quarter_end(end_date):
        raise ValidationError({"end_date": QUARTER_END_MESSAGE})
    if end_date > quarter_end_for(timezone.localdate()):
        raise ValidationError({"end_date": "That quarter has not started yet."})
    if contract.start_date and end_date < contract.start_date:
        raise ValidationError({"end_date": "That quarter ends before the contract started."})
    quarterly_return = locks.lock_return(contract.pk, end_date)
    if quarterly_return is None:
        period = ReportingPeriod.objects.for_date(end_date)
        quarterly_return = QuarterlyReturn(contract=contract, period=period)
        quarterly_return._history_user = user
        quarterly_return._change_reason = "Return opened"
        quarterly_return.save()
    if quarterly_return.state == ReturnState.DRAFT:
        _add_missing_readings(contract=contract, period=quarterly_return.period, user=user)
    return quarterly_return


def kpi_saved(sender, instance: Kpi, created: bool, raw: bool, **kwargs) -> None:
    """post_save of a KPI (connected in KpisConfig.ready): a new one joins the open returns."""
    if created and not raw:
        add_kpi_to_open_returns(kpi=instance)


@transaction.atomic
def add_kpi_to_open_returns(*, kpi: Kpi, user=None) -> list[Reading]:
    """Give a new KPI an empty row in each of its contract's returns that is not approved."""
    returns = locks.lock_returns(kpi.contract_id)
    open_periods = [r.period_id for r in returns if r.state != ReturnState.APPROVED]
    periods = ReportingPeriod.objects.filter(pk__in=open_periods).exclude(readings__kpi=kpi)
    rows = [
        Reading(kpi=kpi, period=period, unit_id=kpi.unit_id)
        for period in periods
        if kpi.in_force(period.end_date)
    ]
    if not rows:
        return []
    return bulk_create_with_history(
        rows, Reading, default_user=user, default_change_reason="KPI added to the contract"
    )


def _locked_return(quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    """The return re-read under the locks (its contract's, then its own), so that a concurrent
    approval, or a rule changed meanwhile, is seen."""
    return locks.relock(quarterly_return)


def _differs(reading: Reading, entry: RowEntry, with_target: bool) -> bool:
    fields = READING_FIELDS if with_target else READING_FIELDS[:3]
    return any(getattr(reading, name) != getattr(entry, name) for name in fields)


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
    current = _locked_return(quarterly_return)
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
    _add_missing_readings(contract=contract, period=period, user=user)
    rows = Reading.objects.filter(kpi__contract=contract, period=period)
    # Lock the readings alone, not their KPIs and units. SQLite has no row locks and Django leaves
    # the clause out of its SQL there, so no test under `make mutation` could see a change to
    # this line; the PostgreSQL run of the suite, and `make faulttest`, save returns through it.
    rows = rows.select_for_update(of=("self",))  # pragma: no mutate
    readings = {
        r.kpi_id: r
        for r in rows.select_related("kpi__unit").prefetch_related(
            "kpi__suspensions", "kpi__rule_changes"
        )
    }
    errors: dict[int, dict[str, str]] = {}
    conflicts: dict[int, Reading] = {}
    changed: list[Reading] = []
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
        problems = _apply(reading, entry, set_targets)
        if problems:
            errors[entry.kpi_id] = problems
        else:
            changed.append(reading)
    if errors and not keep_valid:
        raise ReturnInvalid(errors)
    if conflicts:
        raise EditConflict(conflicts)
    now = timezone.now()
    for reading in changed:
        reading.version += 1
        reading.updated_at = now
    if changed:
        bulk_update_with_history(
            changed,
            Reading,
            [*READING_FIELDS, "reported_as", "version", "updated_at"],
            default_user=user,
            default_change_reason=reason or f"Return for {period.label} saved",
        )
    return DraftSaved(changed, errors)


def _set_state(quarterly_return: QuarterlyReturn, user, state: str, reason: str) -> None:
    quarterly_return.state = state
    quarterly_return._history_user = user
    quarterly_return._change_reason = reason
    quarterly_return.save()


def incomplete_rows(quarterly_return: QuarterlyReturn) -> list[tuple[int, str, str]]:
    """Why the return cannot be submitted yet: (KPI id, field, message) per row not ready."""
    readings = (
        Reading.objects.filter(
            kpi__contract_id=quarterly_return.contract_id, period=quarterly_return.period_id
        )
        .select_related("kpi__unit", "period")
        .prefetch_related("kpi__suspensions", "kpi__rule_changes")
        .order_by("kpi__service_area__position", "kpi__position", "kpi_id")
    )
    today = timezone.localdate()
    problems = []
    for reading in readings:
        # A return is submitted once its quarter is over, so judge it as if it were.
        status = reading.evaluate(max(today, reading.period.end_date + datetime.timedelta(1)))
        if status.status == Status.MISSING:
            message = "Enter a figure, or say why it was not measured"
            problems.append((reading.kpi_id, "value", message))
        elif not reading.commentary and misses_target(reading):
            problems.append((reading.kpi_id, "commentary", COMMENTARY_MESSAGE))
    return problems


def _ensure_complete(quarterly_return: QuarterlyReturn) -> None:
    # Rows are added first, so that a KPI new since the return was opened is counted missing.
    _add_missing_readings(
        contract=quarterly_return.contract, period=quarterly_return.period, user=None
    )
    problems = incomplete_rows(quarterly_return)
    if problems:
        raise ReturnIncomplete(problems)


@transaction.atomic
def submit_return(*, quarterly_return: QuarterlyReturn, user) -> QuarterlyReturn:
    """Send a draft for approval; from now on its figures are frozen."""
    current = _locked_return(quarterly_return)
    require(user, Action.SUBMIT, current)
    _ensure_complete(current)
    current.submitted_at, current.submitted_by = timezone.now(), user
    _set_state(current, user, ReturnState.SUBMITTED, "Submitted for approval")
    return current


@transaction.atomic
def approve_return(*, quarterly_return: QuarterlyReturn, user) -> QuarterlyReturn:
    """Lock a submitted return, after the same checks as submitting it."""
    current = _locked_return(quarterly_return)
    require(user, Action.APPROVE, current)
    _ensure_complete(current)
    current.approved_at, current.approved_by = timezone.now(), user
    _set_state(current, user, ReturnState.APPROVED, "Approved")
    return current


def _back_to_draft(
    quarterly_return: QuarterlyReturn, user, action: Action, reason: str, verb: str
) -> QuarterlyReturn:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": f"Say why the return is being {verb}"})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"reason": too_long_message("reason", REASON_LENGTH)})
    current = _locked_return(quarterly_return)
    require(user, action, current)
    current.reopen_reason = reason
    current.submitted_at = current.submitted_by = None
    current.approved_at = current.approved_by = None
    _set_state(current, user, ReturnState.DRAFT, f"{verb.capitalize()}: {reason}")
    _add_missing_readings(contract=current.contract, period=current.period, user=user)
    return current


@transaction.atomic
def send_back_return(*, quarterly_return: QuarterlyReturn, user, reason: str) -> QuarterlyReturn:
    """Return a submitted return to its officers as a draft, saying what to correct."""
    return _back_to_draft(quarterly_return, user, Action.SEND_BACK, reason, "returned")


@transaction.atomic
def reopen_return(*, quarterly_return: QuarterlyReturn, user, reason: str) -> QuarterlyReturn:
    """Unlock an approved return for changes, saying why."""
    return _back_to_draft(quarterly_return, user, Action.REOPEN, reason, "reopened")
