"""How figures, targets and statuses read on screen, on paper and in downloads."""

from __future__ import annotations

from decimal import Decimal

from kpis.choices import Direction, ReturnState, ThresholdBasis
from kpis.models.period import ReportingPeriod
from kpis.models.unit import Unit, UnitKind
from kpis.rules import quarters
from kpis.rules.status import Status

# A symbol beside every status word, so that status never rests on colour alone.
SYMBOLS = {
    Status.MET: "✓",
    Status.BELOW_TARGET: "✗",
    Status.DETRIMENT: "⚠",
    Status.FAILURE: "✖",
    Status.SUSPENDED: "‖",
    Status.NOT_MEASURED: "○",
    Status.NOT_DUE: "·",
    Status.MISSING: "?",
    Status.DATA_ONLY: "◇",
    Status.NOT_IN_FORCE: "—",
}

# The target column of a KPI, or quarter, with no target in force: its figures are data only.
DATA_ONLY_TARGET = "Data only"

# Shown where a KPI has no reading at all for a quarter.
NO_READING = "no_reading"

# Shown instead of a status where the reader may not see a quarter's figures yet, by the state
# of its return: (label, symbol).
IN_PROGRESS = {
    "not_started": ("Not started", "\u2013"),
    "in_progress": ("In progress", "…"),
    "awaiting_approval": ("Awaiting approval", "◔"),
}
_IN_PROGRESS_BY_STATE = {
    ReturnState.DRAFT: "in_progress",
    ReturnState.SUBMITTED: "awaiting_approval",
}


def in_progress_status(return_state: str | None) -> str:
    """The stand-in status for a quarter whose figures are not shown, from its return's state."""
    return _IN_PROGRESS_BY_STATE.get(return_state, "not_started")


def status_label(status: str | None) -> str:
    if not status:
        return ""
    if status == NO_READING:
        return "No reading"
    if status in IN_PROGRESS:
        return IN_PROGRESS[status][0]
    return Status(status).label


def status_symbol(status: str | None) -> str:
    if not status or status == NO_READING:
        return "?"
    if status in IN_PROGRESS:
        return IN_PROGRESS[status][1]
    return SYMBOLS[Status(status)]


def number(value: Decimal | None) -> str:
    """95.8000 as 95.8, 100.0000 as 100."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def figure(value: Decimal | None, unit: Unit | None) -> str:
    if value is None:
        return ""
    return unit.write(number(value), value) if unit else number(value)


def target(value: Decimal | None, unit: Unit | None, direction: str, strict: bool = False) -> str:
    """A target with the comparison it asks for: '≥ 90%', '< 5%'; 'Data only' without one (or
    without a direction to meet it in)."""
    if value is None or not direction:
        return DATA_ONLY_TARGET
    higher = direction == Direction.HIGHER
    sign = {(True, True): ">", (True, False): "≥", (False, True): "<", (False, False): "≤"}[
        (higher, strict)
    ]
    return f"{sign} {figure(value, unit)}"


def threshold(
    value: Decimal | None,
    unit: Unit | None,
    direction: str,
    basis: str = ThresholdBasis.ABSOLUTE,
) -> str:
    """A detriment or failure threshold on the worse side: '≤ 87%' for a figure, reached
    inclusively; 'more than 10% below target' for a tolerance."""
    if value is None or not direction:
        return "none"
    if basis == ThresholdBasis.ABSOLUTE:
        sign = "≤" if direction == Direction.HIGHER else "≥"
        return f"{sign} {figure(value, unit)}"
    side = "below" if direction == Direction.HIGHER else "above"
    if basis == ThresholdBasis.PERCENT:
        return f"more than {number(value)}% {side} target"
    if unit and unit.kind == UnitKind.PERCENT:
        return f"more than {number(value)} percentage points {side} target"
    return f"more than {figure(value, unit)} {side} target"


def sources(periods, sight) -> list[tuple]:
    """(quarter, where its figures came from) for each quarter the reader sees that was
    back-filled from a published source, so that the committee can check a figure there."""
    return [(p, p.backfill_note) for p in periods if p.backfill_note and sight.shows(p)]


def _label(end) -> str:
    return ReportingPeriod(end_date=end).label


def gaps(shown, held) -> list[str]:
    """What lies between the quarters shown (oldest first), in words: quarters with no return,
    and quarters held but left out (in progress, or not chosen), so that none is skipped
    silently. `held` holds every quarter of the contract (`ReportingPeriod.objects.for_contract`).
    """
    by_end = {p.end_date: p for p in held}
    notes = []
    for first, last in quarters.gaps(p.end_date for p in shown):
        run: list = []  # quarters with no return, running up to the next held one
        end = first
        while end <= last:
            period = by_end.get(end)
            if period is None:
                run.append(end)
            else:
                notes.extend(_no_return(run))
                run = []
                state = "approved" if period.return_state == ReturnState.APPROVED else "in progress"
                notes.append(f"{period.label} ({state}) is not shown: choose it above to see it.")
            end = quarters.next_end(end)
        notes.extend(_no_return(run))
    return notes


def _no_return(run: list) -> list[str]:
    if not run:
        return []
    span = _label(run[0]) if len(run) == 1 else f"{_label(run[0])} to {_label(run[-1])}"
    return [f"No return is held for {span}."]
