"""The performance regime's rules: service failures, service credits and escalation.

Pure Python with no database access, tested on its own (tests/regime/test_rules.py). The inputs
are one KPI's approved quarters in order, each with the status the status rules give it; the
quarters are numbered (`index`) so that "consecutive" and "the last four" mean calendar quarters,
whatever was approved in between.

Service failures
    A quarter whose status is `failure` is a service failure. A contract may also count
    detriment: every N consecutive quarters at `detriment` make one service failure (the quarter
    that completes the run), and so do K detriments within four quarters. Each detriment counts
    towards one service failure at most. Off (None) by default.

Service credits
    Each service failure that is not relieved earns the credit of the scheme in force that
    quarter: a fixed amount, or a percentage of the quarter's charge, times the KPI's weight
    (1 unless set). The quarter's total is capped by the quarter cap, and the year's running
    total by the year cap.

Escalation
    A KPI is a persistent failure at a quarter when it has missed its target (measured and not
    met) in N consecutive quarters ending there, or has had K service failures (relieved or not)
    in the four quarters ending there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FAILURE = "failure"
DETRIMENT = "detriment"
MISSES = frozenset({"below_target", "detriment", "failure"})
PENNY = Decimal("0.01")
YEAR = 4  # quarters in the rolling year


def quarter_index(financial_year: int, quarter: int) -> int:
    """A quarter's place in time: consecutive quarters differ by one."""
    return financial_year * 4 + quarter - 1


@dataclass(frozen=True)
class Quarter:
    """One KPI in one approved quarter."""

    index: int
    status: str


@dataclass(frozen=True)
class FailureRules:
    """How a contract counts service failures and persistent failure.

    `detriment_run`: N consecutive detriments count as one service failure (None: off).
    `detriment_in_year`: K detriments within four quarters count as one (None: off).
    `escalate_misses`: a KPI missing its target N quarters running is a persistent failure.
    `escalate_failures`: so is one with K service failures within four quarters.
    """

    detriment_run: int | None = None
    detriment_in_year: int | None = None
    escalate_misses: int = 3
    escalate_failures: int = 2


@dataclass(frozen=True)
class ServiceFailure:
    index: int
    # "failure", or "detriment" when detriments made it one; `quarters` are those detriments.
    reason: str
    quarters: tuple[int, ...]


def service_failures(quarters: Sequence[Quarter], rules: FailureRules) -> list[ServiceFailure]:
    """One KPI's service failures, from its quarters in order."""
    found: list[ServiceFailure] = []
    run: list[int] = []  # detriments in consecutive quarters not yet counted
    recent: list[int] = []  # detriments in the last four quarters not yet counted
    previous: int | None = None
    for q in quarters:
        if previous is not None and q.index != previous + 1:
            run = []
        previous = q.index
        if q.status == FAILURE:
            found.append(ServiceFailure(q.index, FAILURE, (q.index,)))
            run = []
            continue
        if q.status != DETRIMENT:
            run = []
            continue
        run.append(q.index)
        recent = [i for i in recent if i > q.index - YEAR] + [q.index]
        if rules.detriment_run and len(run) >= rules.detriment_run:
            found.append(ServiceFailure(q.index, DETRIMENT, tuple(run)))
            recent = [i for i in recent if i not in run]
            run = []
        elif rules.detriment_in_year and len(recent) >= rules.detriment_in_year:
            found.append(ServiceFailure(q.index, DETRIMENT, tuple(recent)))
            run = [i for i in run if i not in recent]
            recent = []
    return found


@dataclass(frozen=True)
class Escalation:
    index: int
    # "misses" (N quarters running) or "failures" (K service failures in four quarters).
    kind: str
    quarters: tuple[int, ...]


def escalations(
    quarters: Sequence[Quarter], failures: Iterable[ServiceFailure], rules: FailureRules
) -> list[Escalation]:
    """The quarters at which one KPI is a persistent failure, with the quarters that make it so."""
    failed = sorted(f.index for f in failures)
    found: list[Escalation] = []
    run: list[int] = []
    previous: int | None = None
    for q in quarters:
        if q.status in MISSES and (previous is None or q.index == previous + 1) and run:
            run.append(q.index)
        elif q.status in MISSES:
            run = [q.index]
        else:
            run = []
        previous = q.index
        window = tuple(i for i in failed if q.index - YEAR < i <= q.index)
        if rules.escalate_misses and len(run) >= rules.escalate_misses:
            found.append(Escalation(q.index, "misses", tuple(run)))
        elif rules.escalate_failures and len(window) >= rules.escalate_failures:
            found.append(Escalation(q.index, "failures", window))
    return found


class Basis:
    FIXED = "fixed"
    PERCENT = "percent"


@dataclass(frozen=True)
class Scheme:
    """A credit scheme: `amount` is pounds per failure (fixed) or a percentage of the charge."""

    basis: str
    amount: Decimal
    quarter_cap: Decimal | None = None
    year_cap: Decimal | None = None


@dataclass(frozen=True)
class Credited:
    """A service failure as the credits see it."""

    weight: Decimal = Decimal(1)
    relieved: bool = False


@dataclass
class QuarterCredit:
    """What one quarter's service failures earn. `due` is None when it cannot be worked out:
    no scheme in force, or a percentage scheme without the quarter's charge."""

    index: int
    failures: int = 0
    relieved: int = 0
    gross: Decimal | None = Decimal(0)
    due: Decimal | None = Decimal(0)
    capped: list[str] = field(default_factory=list)
    problem: str = ""
    year_cap: Decimal | None = None


def quarter_credit(
    index: int, failures: Sequence[Credited], scheme: Scheme | None, charge: Decimal | None
) -> QuarterCredit:
    """The credit one quarter's failures earn before the year cap."""
    counted = [f for f in failures if not f.relieved]
    result = QuarterCredit(index, failures=len(failures), relieved=len(failures) - len(counted))
    result.year_cap = scheme.year_cap if scheme else None
    if not counted:
        return result
    if scheme is None:
        result.gross = result.due = None
        result.problem = "No credit scheme is in force."
        return result
    if scheme.basis == Basis.PERCENT:
        if charge is None:
            result.gross = result.due = None
            result.problem = "The quarter's charge is not recorded."
            return result
        each = charge * scheme.amount / 100
    else:
        each = scheme.amount
    gross = sum((each * f.weight for f in counted), Decimal(0)).quantize(PENNY, ROUND_HALF_UP)
    result.gross = result.due = gross
    if scheme.quarter_cap is not None and gross > scheme.quarter_cap:
        result.due = scheme.quarter_cap
        result.capped.append("quarter")
    return result


def apply_year_cap(credits: Sequence[QuarterCredit]) -> None:
    """Cut one financial year's quarters (in order) so that the year's total stays within the
    year cap of the scheme in force in each quarter."""
    so_far = Decimal(0)
    for credit in credits:
        if credit.due is None:
            continue
        if credit.year_cap is None:
            so_far += credit.due
            continue
        room = max(credit.year_cap - so_far, Decimal(0))
        if credit.due > room:
            credit.due = room
            credit.capped.append("year")
        so_far += credit.due
