"""Overdue plans and actions are flagged, in words and a symbol, wherever plans are listed; a plan
agreed, an action done or a plan closed is not chased."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.models import Kpi
from kpis.permissions import STATES
from kpis.permissions.sight import Sight
from plans.choices import ActionState, PlanState
from plans.reads import plans_for
from tests.plans.making import a_plan, an_action

OVERDUE = '<span aria-hidden="true">! </span>Overdue</strong>'


@pytest.fixture
def kpis(seed) -> dict[str, Kpi]:
    return {k.reference: k for k in Kpi.objects.filter(contract=seed["ICT"])}


def _soon() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def test_a_plan_not_agreed_by_its_due_day_is_overdue_and_one_not_yet_due_is_not(
    client, manager, kpis
):
    late = a_plan(kpis["8"], title="Late plan", due_on=datetime.date(2019, 4, 18))
    on_time = a_plan(kpis["1"], title="Plan not yet due", due_on=_soon())
    agreed = a_plan(
        kpis["2"], title="Agreed plan", due_on=datetime.date(2019, 4, 18), state=PlanState.AGREED
    )
    found = {p.title: p for p in plans_for(late.kpi.contract, _all(), timezone.localdate())}
    assert found["Late plan"].overdue
    assert not found["Plan not yet due"].overdue
    assert not found["Agreed plan"].overdue

    client.force_login(manager)
    page = client.get(reverse("plan_detail", args=["ICT", late.pk])).content.decode()
    assert OVERDUE in page and "The supplier's plan has not been agreed." in page
    for plan in (on_time, agreed):
        assert (
            OVERDUE
            not in client.get(reverse("plan_detail", args=["ICT", plan.pk])).content.decode()
        )
    listed = client.get(reverse("plan_list", args=["ICT"])).content.decode()
    row = listed.split("Late plan")[1].split("</tr>")[0]
    assert OVERDUE in row and "not yet agreed" in row
    assert OVERDUE not in listed.split("Plan not yet due")[1].split("</tr>")[0]


def test_an_action_not_done_by_its_due_day_is_overdue_while_its_plan_is_open(client, manager, kpis):
    plan = a_plan(kpis["8"], state=PlanState.IN_PROGRESS)
    an_action(plan, description="Late action", due_on=datetime.date(2019, 5, 31))
    an_action(plan, description="Action not yet due", due_on=_soon())
    an_action(
        plan,
        description="Action done late",
        due_on=datetime.date(2019, 5, 31),
        state=ActionState.DONE,
        done_on=datetime.date(2019, 6, 3),
    )
    client.force_login(manager)
    page = client.get(reverse("plan_detail", args=["ICT", plan.pk])).content.decode()
    assert OVERDUE in page.split("Late action")[1].split("</tr>")[0]
    assert OVERDUE not in page.split("Action not yet due")[1].split("</tr>")[0]
    assert OVERDUE not in page.split("Action done late")[1].split("</tr>")[0]
    assert "1 of 3 actions done" in page
    listed = client.get(reverse("plan_list", args=["ICT"])).content.decode()
    assert "1 action is overdue" in listed

    # Once the plan is closed, its actions are no longer chased.
    plan.state = PlanState.NOT_EFFECTIVE
    plan.save()
    page = client.get(reverse("plan_detail", args=["ICT", plan.pk])).content.decode()
    assert OVERDUE not in page
    listed = client.get(reverse("plan_list", args=["ICT"])).content.decode()
    assert "1 action is overdue" not in listed
    assert OVERDUE not in listed


def _all() -> Sight:
    return Sight(frozenset(STATES))
