"""When a plan is due, counted in working days with England and Wales bank holidays left out, and
when plans and actions are overdue: no database."""

import datetime

import pytest

from plans import rules
from plans.choices import ActionState, PlanState

D = datetime.date


@pytest.mark.parametrize(
    ("notified", "days", "due"),
    [
        # Thursday before Easter 2024: Good Friday (29 March) and Easter Monday (1 April) are
        # bank holidays, so ten working days end on Monday 15 April, not Thursday 11 April.
        (D(2024, 3, 28), 10, D(2024, 4, 15)),
        (D(2024, 3, 28), 1, D(2024, 4, 2)),
        # Christmas Eve 2024: Christmas Day and Boxing Day are not counted.
        (D(2024, 12, 24), 3, D(2024, 12, 31)),
        # A week with no holiday: the weekend alone is left out.
        (D(2024, 6, 6), 5, D(2024, 6, 13)),
        # Notified on a Saturday: Monday is the first working day.
        (D(2024, 6, 8), 1, D(2024, 6, 10)),
        # The coronation's bank holiday (Monday 8 May 2023), which no fixed list would know.
        (D(2023, 5, 5), 1, D(2023, 5, 9)),
        # Zero days: due the day it was notified.
        (D(2024, 3, 28), 0, D(2024, 3, 28)),
    ],
)
def test_it_counts_working_days_leaving_out_weekends_and_bank_holidays(notified, days, due):
    assert rules.plan_due(notified, days) == due


def test_it_knows_england_and_wales_bank_holidays_from_the_library():
    assert rules.bank_holidays(2024) == {
        D(2024, 1, 1),
        D(2024, 3, 29),
        D(2024, 4, 1),
        D(2024, 5, 6),
        D(2024, 5, 27),
        D(2024, 8, 26),
        D(2024, 12, 25),
        D(2024, 12, 26),
    }
    # Scotland's 2 January and St Andrew's Day are not England and Wales bank holidays.
    assert rules.is_working_day(D(2024, 1, 2)) and rules.is_working_day(D(2024, 12, 2))
    assert not rules.is_working_day(D(2024, 3, 29))
    assert not rules.is_working_day(D(2024, 3, 30))


def test_it_refuses_a_negative_count():
    with pytest.raises(ValueError):
        rules.add_working_days(D(2024, 3, 28), -1)


DUE = D(2024, 4, 15)


@pytest.mark.parametrize(
    ("state", "today", "overdue"),
    [
        (PlanState.REQUESTED, DUE, False),
        (PlanState.REQUESTED, D(2024, 4, 16), True),
        # Agreed, the supplier delivered its plan: no longer late, whatever the date.
        (PlanState.AGREED, D(2024, 4, 16), False),
        (PlanState.IN_PROGRESS, D(2024, 5, 1), False),
        (PlanState.NOT_EFFECTIVE, D(2024, 5, 1), False),
    ],
)
def test_a_plan_is_overdue_while_not_agreed_after_its_due_day(state, today, overdue):
    assert rules.plan_overdue(state, DUE, today) is overdue


@pytest.mark.parametrize(
    ("plan_state", "action_state", "today", "overdue"),
    [
        (PlanState.IN_PROGRESS, ActionState.NOT_STARTED, DUE, False),
        (PlanState.IN_PROGRESS, ActionState.NOT_STARTED, D(2024, 4, 16), True),
        (PlanState.AGREED, ActionState.IN_PROGRESS, D(2024, 4, 16), True),
        (PlanState.IN_PROGRESS, ActionState.DONE, D(2024, 4, 16), False),
        # A closed plan's actions are no longer chased.
        (PlanState.COMPLETED, ActionState.IN_PROGRESS, D(2024, 4, 16), False),
        (PlanState.NOT_EFFECTIVE, ActionState.NOT_STARTED, D(2024, 4, 16), False),
    ],
)
def test_an_action_is_overdue_while_not_done_after_its_due_day_on_an_open_plan(
    plan_state, action_state, today, overdue
):
    assert rules.action_overdue(plan_state, action_state, DUE, today) is overdue


def test_a_plan_moves_only_forward_and_closed_as_not_effective_stays_closed():
    assert rules.may_move(PlanState.REQUESTED, PlanState.AGREED)
    assert not rules.may_move(PlanState.REQUESTED, PlanState.COMPLETED)
    assert rules.may_move(PlanState.COMPLETED, PlanState.NOT_EFFECTIVE)
    assert not rules.may_move(PlanState.COMPLETED, PlanState.IN_PROGRESS)
    assert not any(rules.may_move(PlanState.NOT_EFFECTIVE, s) for s in PlanState)
