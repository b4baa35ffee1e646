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

Months (`FailureRules.by_month`, off by default)
    Many contracts pay credits month by month. Where the contract says so, a monthly KPI's
    quarter that holds its months (`Quarter.months`, see `counts_months`) has each month at
    `failure` counted as a service failure, in place of the quarter's own: a quarter whose
    rolled-up figure reached the failure threshold is no service failure unless a month did,
    and a quarter whose figure did not may hold up to three. Everything else still reads the
    quarter, whose thresholds the contract sets in quarters: detriment is the quarter's rolled-up
    status, and a quarter holding a month's failure stands as a failure quarter (it ends a run of
    detriment and is not one, as a quarter at `failure` is, and it has missed its target).

Service credits
    Each service failure that is not relieved earns the credit of the scheme in force that
    quarter: a fixed amount, or a percentage of the quarter's charge, times the KPI's weight
    (1 unless set). A month's failure earns the same fixed amount, or the percentage of the
    month's share of the charge (a third of the quarter's): three failing months cost what one
    failing quarter does. The quarter's total, months included, is capped by the quarter cap,
    and the year's running total by the year cap. Relief is granted per KPI and quarter, and
    relieves the quarter's months with it.

Escalation
    A KPI is a persistent failure at a quarter when it has missed its target (measured and not
    met) in N consecutive quarters ending there, or has had K service failures (relieved or not,
    each month's failure one of them) in the four quarters ending there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kpis.choices import Rollup

FAILURE = "failure"
DETRIMENT = "detriment"
SUSPENDED = "suspended"
MISSES = frozenset({"below_target", "detriment", "failure"})
JUDGED = MISSES | {"met"}
PENNY = Decimal("0.01")
YEAR = 4  # quarters in the rolling year
MONTHS = 3  # months in a quarter, each a third of its charge


def quarter_index(financial_year: int, quarter: int) -> int:
    """A quarter's place in time: consecutive quarters differ by one."""
    return financial_year * 4 + quarter - 1


def counts_months(*, monthly: bool, rollup: str, status: str) -> bool:
    """Whether a quarter's months may be judged on their own, given its KPI and its own status.

    Only a monthly KPI's, and only where the quarter itself is judged (or suspended, when its
    months are suspended with it): outside the KPI's life, without a target or in another unit
    the months are no more judged than the quarter. Never a sum's: its target and thresholds are
    the quarter's total, which no single month is measured against.
    """
    return monthly and rollup != Rollup.SUM and status in JUDGED | {SUSPENDED}


@dataclass(frozen=True)
class Month:
    """One month held beneath a quarter: its place in the quarter (1 to 3) and its status,
    judged by the rule in force for the quarter."""

    number: int
    status: str


@dataclass(frozen=True)
class Quarter:
    """One KPI in one approved quarter, with the months that may count on their own (none for a
    quarterly KPI, or a quarter entered without its months)."""

    index: int
    status: str
    months: tuple[Month, ...] = ()


@dataclass(frozen=True)
class FailureRules:
    """How a contract counts service failures and persistent failure.

    `detriment_run`: N consecutive detriments count as one service failure (None: off).
    `detriment_in_year`: K detriments within four quarters count as one (None: off).
    `escalate_misses`: a KPI missing its target N quarters running is a persistent failure.
    `escalate_failures`: so is one with K service failures within four quarters.
    `by_month`: a monthly KPI's months at failure are its service failures, not its quarter.
    """

    detriment_run: int | None = None
    detriment_in_year: int | None = None
    escalate_misses: int = 3
    escalate_failures: int = 2
    by_month: bool = False


@dataclass(frozen=True)
class ServiceFailure:
    index: int
    # "failure", or "detriment" when detriments made it one; `quarters` are those detriments.
    reason: str
    quarters: tuple[int, ...]
    # The month's number in the quarter (1 to 3) for a month's failure; None for the quarter's.
    month: int | None = None


def _failures_in(q: Quarter, rules: FailureRules) -> list[ServiceFailure]:
    """The service failures a quarter's status makes: its own, or its months' where they count."""
    if rules.by_month and q.months:
        return [
            ServiceFailure(q.index, FAILURE, (q.index,), month=m.number)
            for m in q.months
            if m.status == FAILURE
        ]
    if q.status == FAILURE:
        return [ServiceFailure(q.index, FAILURE, (q.index,))]
    return []


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
        failed = _failures_in(q, rules)
        found.extend(failed)
        # A quarter at failure, or holding a month's failure, is no detriment and ends a run.
        if failed or q.status == FAILURE:
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
    # The quarters that make it so, each once.
    quarters: tuple[int, ...]
    # How many misses or service failures: more than the quarters where months failed.
    count: int


def _missed(q: Quarter, rules: FailureRules) -> bool:
    """Missed its target: measured and not met, or holding a month's service failure."""
    month_failed = rules.by_month and any(m.status == FAILURE for m in q.months)
    return q.status in MISSES or month_failed


def escalations(
    quarters: Sequence[Quarter], failures: Iterable[ServiceFailure], rules: FailureRules
) -> list[Escalation]:
    """The quarters at which one KPI is a persistent failure, with the quarters that make it so."""
    failed = sorted(f.index for f in failures)
    found: list[Escalation] = []
    run: list[int] = []
    previous: int | None = None
    for q in quarters:
        missed = _missed(q, rules)
        if missed and (previous is None or q.index == previous + 1) and run:
            run.append(q.index)
        elif missed:
            run = [q.index]
        else:
            run = []
        previous = q.index
        window = [i for i in failed if q.index - YEAR < i <= q.index]
        if rules.escalate_misses and len(run) >= rules.escalate_misses:
            found.append(Escalation(q.index, "misses", tuple(run), len(run)))
        elif rules.escalate_failures and len(window) >= rules.escalate_failures:
            found.append(Escalation(q.index, "failures", tuple(sorted(set(window))), len(window)))
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
    """A service failure as the credits see it: a quarter's, or one month's (`month`)."""

    weight: Decimal = Decimal(1)
    relieved: bool = False
    month: bool = False


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
    if scheme.basis == Basis.PERCENT and charge is None:
        result.gross = result.due = None
        result.problem = "The quarter's charge is not recorded."
        return result
    earned = (_earns(f, scheme, charge) for f in counted)
    gross = sum(earned, Decimal(0)).quantize(PENNY, ROUND_HALF_UP)
    result.gross = result.due = gross
    if scheme.quarter_cap is not None and gross > scheme.quarter_cap:
        result.due = scheme.quarter_cap
        result.capped.append("quarter")
    return result


def _earns(failure: Credited, scheme: Scheme, charge: Decimal | None) -> Decimal:
    """One unrelieved failure's credit before rounding: the fixed amount, or the percentage of
    the charge it answers for (the quarter's, or a month's third of it), times its weight."""
    if scheme.basis != Basis.PERCENT:
        return scheme.amount * failure.weight
    assert charge is not None
    share = MONTHS if failure.month else 1
    return charge * scheme.amount * failure.weight / (100 * share)


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
