"""The workflow's moves on a quarterly return: submit, approve, send back, reopen, discard.

A draft is submitted for approval, which freezes its figures; a submitted return is approved,
which locks it, or sent back as a draft saying what to correct; an approved return is reopened
for changes, saying why; a draft started by mistake is discarded while nothing is entered in it.
Submitting and approving first check every row (`incomplete_rows`: a figure or a reason for each
KPI, every month of a monthly one, commentary on a missed target), after adding the row of any
KPI in force that lacks one, so that it is counted as missing.

Every move is keyword-only and atomic, and asks the permission table (`kpis.permissions`)
whether it may be made in the return's state as re-read under the locks of `kpis.writes.locks`,
before it writes anything: a refused move leaves no trace, and two decisions about one quarter
run one after the other.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.limits import REASON_LENGTH, too_long_message
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import Action, require
from kpis.rules import rollup
from kpis.rules.status import MEASURED, Status
from kpis.writes.opening import add_missing_readings, locked_return

COMMENTARY_MESSAGE = "Explain why the target was missed and what is being done about it"


class ReturnIncomplete(ValidationError):
    """Rows that stop a return being submitted: (KPI id, field, message)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        super().__init__([message for _, _, message in problems])

    @property
    def kpi_count(self) -> int:
        """KPIs not ready: a monthly KPI may have several months left blank."""
        return kpis_not_ready(self.problems)


def kpis_not_ready(problems: list[tuple[int, str, str]]) -> int:
    return len({kpi_id for kpi_id, _, _ in problems})


def misses_target(reading: Reading) -> bool:
    """True when the reading's figure is judged and falls short of the target in force (a
    judgement of the figure alone, which the day does not change)."""
    status = reading.evaluate().status
    return status in MEASURED and status != Status.MET


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
        .prefetch_related("kpi__suspensions", "kpi__rule_changes", "months")
        .order_by("kpi__service_area__position", "kpi__position", "kpi_id")
    )
    today = timezone.localdate()
    problems = []
    for reading in readings:
        # A return is submitted once its quarter is over, so judge it as if it were.
        status = reading.evaluate(max(today, reading.period.end_date + datetime.timedelta(1)))
        if status.status == Status.MISSING:
            problems.append(_missing(reading.kpi))
        elif blank := _months_left_blank(reading):
            problems.extend(blank)
        elif not reading.commentary and misses_target(reading):
            problems.append((reading.kpi_id, "commentary", COMMENTARY_MESSAGE))
    return problems


def _missing(kpi: Kpi) -> tuple[int, str, str]:
    """A row with nothing entered, pointed at its first box: a monthly KPI's first month, as its
    quarter's own box is folded away for quarters whose months were never reported."""
    if kpi.is_monthly:
        message = "Enter a figure for each month, or say why it was not measured"
        return (kpi.pk, _month_box(kpi, 1), message)
    return (kpi.pk, "value", "Enter a figure, or say why it was not measured")


def _months_left_blank(reading: Reading) -> list[tuple[int, str, str]]:
    """Each month left blank in a monthly quarter with others entered: the quarter would be
    rolled up from part of itself without anyone saying why."""
    entered = {figure.month_end for figure in reading.months.all()}
    if not entered or reading.is_suspended():
        return []
    return [
        (
            reading.kpi_id,
            _month_box(reading.kpi, index),
            f"Enter a figure for {rollup.month_label(end)}, or say why it was not measured",
        )
        for index, end in enumerate(rollup.quarter_months(reading.period.end_date), start=1)
        if end not in entered
    ]


def _month_box(kpi: Kpi, index: int) -> str:
    """The return page's box for a month's figure (the first of its parts, where it has them)."""
    return f"m{index}_numerator" if kpi.has_parts else f"m{index}_value"


def _ensure_complete(quarterly_return: QuarterlyReturn) -> None:
    # Rows are added first, so that a KPI new since the return was opened is counted missing.
    add_missing_readings(
        contract=quarterly_return.contract, period=quarterly_return.period, user=None
    )
    problems = incomplete_rows(quarterly_return)
    if problems:
        raise ReturnIncomplete(problems)


@transaction.atomic
def submit_return(*, quarterly_return: QuarterlyReturn, user) -> QuarterlyReturn:
    """Send a draft for approval; from now on its figures are frozen."""
    current = locked_return(quarterly_return)
    require(user, Action.SUBMIT, current)
    _ensure_complete(current)
    current.submitted_at, current.submitted_by = timezone.now(), user
    current.back_to_draft = ""
    _set_state(current, user, ReturnState.SUBMITTED, "Submitted for approval")
    return current


@transaction.atomic
def approve_return(*, quarterly_return: QuarterlyReturn, user) -> QuarterlyReturn:
    """Lock a submitted return, after the same checks as submitting it."""
    current = locked_return(quarterly_return)
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
    current = locked_return(quarterly_return)
    require(user, action, current)
    current.reopen_reason = reason
    current.back_to_draft = "returned" if action == Action.SEND_BACK else "reopened"
    current.submitted_at = current.submitted_by = None
    current.approved_at = current.approved_by = None
    _set_state(current, user, ReturnState.DRAFT, f"{verb.capitalize()}: {reason}")
    add_missing_readings(contract=current.contract, period=current.period, user=user)
    return current


@transaction.atomic
def send_back_return(*, quarterly_return: QuarterlyReturn, user, reason: str) -> QuarterlyReturn:
    """Return a submitted return to its officers as a draft, saying what to correct."""
    return _back_to_draft(quarterly_return, user, Action.SEND_BACK, reason, "returned")


@transaction.atomic
def reopen_return(*, quarterly_return: QuarterlyReturn, user, reason: str) -> QuarterlyReturn:
    """Unlock an approved return for changes, saying why."""
    return _back_to_draft(quarterly_return, user, Action.REOPEN, reason, "reopened")


@transaction.atomic
def discard_return(*, quarterly_return: QuarterlyReturn, user) -> None:
    """Delete a draft started by mistake, with its empty rows, while nobody has entered
    anything in it (`refusal` says so otherwise). The history keeps the return and its rows,
    with who discarded them: readers then see the quarter as not started, as before."""
    current = locked_return(quarterly_return)
    require(user, Action.DISCARD, current)
    reason = "Return discarded: started by mistake"
    for reading in Reading.objects.filter(
        kpi__contract_id=current.contract_id, period_id=current.period_id
    ):
        reading._history_user = user
        reading._change_reason = reason
        reading.delete()
    current._history_user = user  # type: ignore[attr-defined]
    current._change_reason = reason  # type: ignore[attr-defined]
    current.delete()
