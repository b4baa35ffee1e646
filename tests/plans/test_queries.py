"""Every page that shows rectification plans runs the same number of queries however many plans,
actions and changes there are: one plan with one action, or every ICT KPI with a plan of four
actions, each changed since."""

import datetime

import pytest
from django.urls import reverse

from kpis.models import Kpi
from plans import writes
from plans.choices import ActionState, PlanState
from plans.models import Plan
from tests.plans.making import a_plan, an_action

MAR_19 = datetime.date(2019, 3, 31)


def _make(seed, manager, *, many: bool) -> Plan:
    kpis = list(Kpi.objects.filter(contract=seed["ICT"]).order_by("position", "pk"))
    # KPI 8 first: the persistent failure whose plan the regime links.
    kpis.sort(key=lambda k: k.reference != "8")
    made = []
    for kpi in kpis if many else kpis[:1]:
        plan = a_plan(
            kpi, first=datetime.date(2018, 9, 30), last=MAR_19, state=PlanState.IN_PROGRESS
        )
        for n in range(4 if many else 1):
            action = an_action(plan, description=f"Step {n}", due_on=datetime.date(2019, 5, n + 1))
            if many:
                writes.record_progress(
                    action=action, state=ActionState.IN_PROGRESS, progress="Begun", user=manager
                )
        made.append(plan)
    return made[0]


# The session, the user and their groups and assignments (in one query) come first on every page.
PAGES = {
    # The contract, then the plans with their progress.
    "list": 6,
    # The contract, the plan, its actions, its history and its actions' history; the files of
    # evidence attached to it (the evidence app).
    "detail": 9,
    # Each form: the contract and the plan (and the action), the quarters offered; the plan's,
    # also the working days the contract gives, for the hint beside the day notified.
    "change": 7,
    "state": 5,
    "action_change": 6,
    "progress": 6,
}


def _url(name: str, plan: Plan) -> str:
    action = plan.actions.order_by("pk")[0]
    return {
        "list": reverse("plan_list", args=["ICT"]),
        "detail": reverse("plan_detail", args=["ICT", plan.pk]),
        "change": reverse("plan_change", args=["ICT", plan.pk]),
        "state": reverse("plan_state", args=["ICT", plan.pk]),
        "action_change": reverse("plan_action_change", args=["ICT", plan.pk, action.pk]),
        "progress": reverse("plan_action_progress", args=["ICT", plan.pk, action.pk]),
    }[name]


@pytest.mark.parametrize("many", [False, True], ids=["one-plan", "a-plan-per-kpi"])
@pytest.mark.parametrize(("name", "queries"), PAGES.items())
def test_the_plans_pages_run_a_fixed_number_of_queries(
    client, seed, manager, django_assert_num_queries, many, name, queries
):
    plan = _make(seed, manager, many=many)
    url = _url(name, plan)
    client.force_login(manager)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


# Pages of other apps that list plans, read by the committee, counted as
# tests/kpis/test_views_queries.py and tests/regime/test_pages.py count them. ICT's latest
# approved quarter has no persistent failure, so its scorecard asks for no plan answering one;
# the Mar-19 pack and the regime page do.
OTHER_PAGES = {
    # Each with the committee's questions open (the questions app): one query more. The
    # scorecard and the pack read the plans once, for their list and for the regime's answers,
    # and count the quarters shown from the readings of their grid.
    "/contracts/ICT/": 10,
    "/contracts/ICT/pack/2019-03-31/": 10,
    "/contracts/ICT/regime/": 8,
    # With the files of evidence behind its figures (the evidence app): one query more.
    "kpi": 11,
    # The token with its user, the contract, then the plans.
    "/api/v1/contracts/ICT/plans/": 3,
}


@pytest.mark.parametrize("many", [False, True], ids=["one-plan", "a-plan-per-kpi"])
@pytest.mark.parametrize(("url", "queries"), OTHER_PAGES.items())
def test_the_pages_that_list_plans_run_a_fixed_number_of_queries(
    client,
    client_for,
    seed,
    manager,
    committee_member,
    django_assert_num_queries,
    many,
    url,
    queries,
):
    plan = _make(seed, manager, many=many)
    if url == "kpi":
        url = plan.kpi.get_absolute_url()
    caller = client_for(committee_member) if url.startswith("/api/") else client
    client.force_login(committee_member)
    with django_assert_num_queries(queries):
        response = caller.get(url)
    assert response.status_code == 200
    assert plan.title in response.content.decode()
