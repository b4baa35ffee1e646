"""The rules of Contract Performance Notices: the rating proposed for a KPI, the period a notice
may cover, and when notices fall due. Pure Python with no database access, tested on its own
(tests/notices/test_rules.py).

The rating (stated on the drafting page and in docs/rules.md)
    Only approved, locked quarters are read. A quarter *counts* when its status is met, below
    target, detriment or failure; suspended, not measured, data only, not due, not in force and
    missing quarters are shown but never count. With no counted quarter the rating is Other.
    Otherwise the worst counted quarter decides: any failure, or a persistent failure (the
    regime's: the target missed in consecutive quarters, or repeated service failures), is
    Inadequate; else a detriment is Requires improvement; else a quarter below target is
    Approaching target; every counted quarter met is Good. Relief granted for a failure
    is shown beside the proposal and does not change it: whether it excuses the failure is
    the manager's judgement, given as a written justification.

When notices fall due (section 71 of the Procurement Act 2023)
    A notice at least once in every 12 months: 12 months after the last one published, or after
    the contract's start, and never from before the Act came into force (24 February 2025). One
    after a breach that led to termination, damages or a settlement, or a failure to perform
    after notice: within 30 days of it. One on termination: when the contract ends (its end
    date, or the day its termination was recorded).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from notices.choices import Rating

MET = "met"
BELOW_TARGET = "below_target"
DETRIMENT = "detriment"
FAILURE = "failure"
COUNTED = frozenset({MET, BELOW_TARGET, DETRIMENT, FAILURE})

# The day the Procurement Act 2023 came into force (the Procurement Act 2023 (Commencement No. 3
# and Transitional and Saving Provisions) Regulations 2024).
ACT_IN_FORCE = datetime.date(2025, 2, 24)
# The longest period one notice assesses, in months (section 71(2)).
MAX_MONTHS = 12
# Days from a breach to its notice (section 71(5) and regulation 40).
BREACH_DAYS = 30
# A notice shows as due this many days before its day.
DUE_SOON_DAYS = 30

RULE_TEXT = (
    "Only approved quarters are read. A quarter counts when it is met, below target, detriment "
    "or failure. No counted quarter (suspended, not measured, data only or missing): Other. "
    "Any failure, or a persistent failure: Inadequate. Otherwise a detriment: Requires "
    "improvement. Otherwise a quarter below target: Approaching target. Every counted quarter "
    "met: Good."
)


def propose_rating(statuses: Iterable[str], *, persistent: bool = False) -> Rating:
    """The rating a KPI's statuses in the period propose, worst counted quarter first."""
    counted = {status for status in statuses if status in COUNTED}
    if not counted:
        return Rating.OTHER
    if persistent or FAILURE in counted:
        return Rating.INADEQUATE
    if DETRIMENT in counted:
        return Rating.REQUIRES_IMPROVEMENT
    if BELOW_TARGET in counted:
        return Rating.APPROACHING
    return Rating.GOOD


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), the month's last day where it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_start(end: datetime.date) -> datetime.date:
    """The first day of the quarter ending on `end`."""
    return add_months(end, -2).replace(day=1)


def quarter_ends_in(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The financial quarters (by their last day) that lie wholly inside [start, end]."""
    found = []
    month = ((start.month - 1) // 3 + 1) * 3
    day = datetime.date(start.year, month, calendar.monthrange(start.year, month)[1])
    while day <= end:
        if quarter_start(day) >= start:
            found.append(day)
        day = add_months(day.replace(day=1), 3)
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return found


def period_problems(start: datetime.date | None, end: datetime.date | None) -> dict[str, str]:
    """What is wrong with a notice's period, by field; empty when it may be assessed."""
    if start is None or end is None:
        return {}
    if end < start:
        return {"period_end": "The period must end after it starts."}
    if end >= add_months(start, MAX_MONTHS):
        return {
            "period_end": "A notice assesses 12 months at most: choose a later start or an "
            "earlier end."
        }
    if not quarter_ends_in(start, end):
        return {"period_end": "The period must hold at least one whole quarter."}
    return {}


def default_period(
    approved: Sequence[datetime.date], last_end: datetime.date | None
) -> tuple[datetime.date, datetime.date] | None:
    """The period offered first: the approved quarters since the last notice's period, at most
    four; without any since, the last four approved. None with no approved quarter."""
    ends = sorted(approved)
    if not ends:
        return None
    since = [e for e in ends if last_end is None or e > last_end]
    chosen = (since or ends)[-4:]
    end = chosen[-1]
    start = max(quarter_start(chosen[0]), add_months(end, -MAX_MONTHS) + datetime.timedelta(1))
    return start, end


def next_periodic_due(
    last_published: datetime.date | None, contract_start: datetime.date | None
) -> datetime.date | None:
    """When the next 12-monthly notice is due: 12 months after the last one published, or after
    the contract's start, counted from no earlier than the Act came into force (a contract let
    before it and treated as under it owes nothing for the years before); None when neither is
    known."""
    since = last_published or contract_start
    return add_months(max(since, ACT_IN_FORCE), MAX_MONTHS) if since else None


def breach_due(occurred_on: datetime.date) -> datetime.date:
    return occurred_on + datetime.timedelta(days=BREACH_DAYS)


@dataclass(frozen=True)
class Clock:
    """A notice's day and where today stands against it."""

    due_on: datetime.date
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    @property
    def due_soon(self) -> bool:
        """Overdue, or due within `DUE_SOON_DAYS`: worth a place on the home page."""
        return self.today >= self.due_on - datetime.timedelta(days=DUE_SOON_DAYS)

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def words(self) -> str:
        if self.overdue:
            days = -self.days_left
            return f"overdue by {days} day{'s' if days != 1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"due in {self.days_left} day{'s' if self.days_left != 1 else ''}"
