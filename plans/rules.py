"""The rules of a rectification plan, with no database: when it is due (working days after the
failure is notified, England and Wales bank holidays left out), when it and its actions are
overdue, and which state may follow which.

Bank holidays come from the `holidays` package, whose maintainers add each year's (and the
one-off days, such as a coronation) as they are announced: no list is kept here.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

from plans.choices import ActionState, PlanState

# England and Wales share their bank holidays; the package knows them as England's.
_REGION = "ENG"

# Where a plan may go from each state. A plan is agreed once the council accepts the supplier's
# root cause and actions; completed once every action is done; closed as not effective at any
# point, also after completion when performance does not recover. Closed plans stay closed: a
# new failure gets a new plan.
NEXT_STATES: dict[str, tuple[str, ...]] = {
    PlanState.REQUESTED: (PlanState.AGREED, PlanState.NOT_EFFECTIVE),
    PlanState.AGREED: (PlanState.IN_PROGRESS, PlanState.COMPLETED, PlanState.NOT_EFFECTIVE),
    PlanState.IN_PROGRESS: (PlanState.COMPLETED, PlanState.NOT_EFFECTIVE),
    PlanState.COMPLETED: (PlanState.NOT_EFFECTIVE,),
    PlanState.NOT_EFFECTIVE: (),
}
OPEN_STATES = frozenset({PlanState.REQUESTED, PlanState.AGREED, PlanState.IN_PROGRESS})


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales bank holidays in `year`."""
    return frozenset(holidays.country_holidays("GB", subdiv=_REGION, years=year))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday, other than a bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The day `days` working days after `start`; `start` itself does not count, whatever day it
    is (a failure notified on a Saturday gives the supplier from Monday)."""
    if days < 0:
        raise ValueError("A plan cannot be due before the failure is notified.")
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def plan_due(notified_on: datetime.date, working_days: int) -> datetime.date:
    """When the supplier's plan is due: `working_days` after the failure was notified."""
    return add_working_days(notified_on, working_days)


def plan_overdue(state: str, due_on: datetime.date, today: datetime.date) -> bool:
    """Whether the supplier's plan is late: still not agreed after the day it was due."""
    return state == PlanState.REQUESTED and today > due_on


def action_overdue(
    plan_state: str, action_state: str, due_on: datetime.date, today: datetime.date
) -> bool:
    """Whether an action is late: not done after its due date, on a plan still open."""
    return plan_state in OPEN_STATES and action_state != ActionState.DONE and today > due_on


def may_move(from_state: str, to_state: str) -> bool:
    return to_state in NEXT_STATES.get(from_state, ())
