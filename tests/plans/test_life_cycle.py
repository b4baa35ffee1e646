"""A rectification plan's life, role by role, through the pages: a manager opens it after ICT's
KPI 8 persistently fails, records the supplier's root cause and actions, agrees it and moves it
on; an officer records progress; the committee and other contracts' officers read it once its
quarters are approved and change nothing; every change is in the history with who and why."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kpis.models import Kpi
from kpis.rules.conflicts import is_conflict
from plans import writes
from plans.choices import ActionState, PlanState
from plans.models import Plan, PlanSettings
from tests.kpis.returns import Q3, start_return
from tests.plans.making import a_plan, an_action

# The Thursday before Easter 2024: ten working days later is Monday 15 April, Good Friday and
# Easter Monday left out.
THURSDAY_BEFORE_EASTER = "2024-03-28"


@pytest.fixture
def kpi_8(seed) -> Kpi:
    return Kpi.objects.get(contract=seed["ICT"], reference="8")


def _open(client, kpi, **changes):
    data = {
        "kpi": kpi.pk,
        "title": "Resolve incidents on time again",
        "trigger": "persistent_failure",
        "first_quarter": "2018-09-30",
        "last_quarter": "2019-03-31",
        "notified_on": THURSDAY_BEFORE_EASTER,
        "root_cause": "",
        **changes,
    }
    return client.post(reverse("plan_new", args=["ICT"]), data)


def _url(name: str, plan: Plan, *more) -> str:
    return reverse(name, args=["ICT", plan.pk, *more])


def test_a_manager_opens_agrees_and_closes_a_plan_and_an_officer_records_progress(
    client, manager, officer, kpi_8
):
    client.force_login(manager)
    form = client.get(reverse("plan_new", args=["ICT"]) + f"?kpi={kpi_8.pk}")
    assert form.status_code == 200
    assert f'<option value="{kpi_8.pk}" selected>' in form.content.decode()

    response = _open(client, kpi_8)
    plan = Plan.objects.get(kpi=kpi_8)
    assert response.status_code == 302 and response.url == _url("plan_detail", plan)
    assert plan.state == PlanState.REQUESTED
    assert plan.due_on == datetime.date(2024, 4, 15)
    page = client.get(response.url).content.decode()
    assert "Monday 15 April 2024" in page and "Sep-18 to Mar-19" in page

    # Not yet: the supplier has given neither its root cause nor its actions.
    refused = client.post(_url("plan_state", plan), {"state": "agreed", "reason": "Accepted"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Record the supplier&#x27;s root cause before agreeing the plan" in text
    assert "Add at least one action before agreeing the plan" in text
    assert 'class="govuk-error-summary"' in text

    changed = client.post(
        _url("plan_change", plan),
        {
            "title": plan.title,
            "trigger": "persistent_failure",
            "first_quarter": "2018-09-30",
            "last_quarter": "2019-03-31",
            "notified_on": THURSDAY_BEFORE_EASTER,
            "root_cause": "Two analysts left and were not replaced",
            "reason": "The supplier's root cause came on 10 April",
        },
    )
    assert changed.status_code == 302
    added = client.post(
        _url("plan_action_new", plan),
        {
            "description": "Recruit two analysts",
            "owner": "Sam Patel, service desk manager",
            "owner_side": "supplier",
            "due_on": "2024-05-31",
        },
    )
    assert added.status_code == 302
    for state in ("agreed", "in_progress"):
        moved = client.post(_url("plan_state", plan), {"state": state, "reason": f"Now {state}"})
        assert moved.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_PROGRESS

    action = plan.actions.get()
    client.force_login(officer)
    progress = client.post(
        _url("plan_action_progress", plan, action.pk),
        {"state": "done", "progress": "Both analysts started on 20 May", "done_on": "2024-05-20"},
    )
    assert progress.status_code == 302
    action.refresh_from_db()
    assert (action.state, action.done_on) == (ActionState.DONE, datetime.date(2024, 5, 20))
    # The officer follows the supplier's work, but the plan is a manager's to change.
    assert client.post(_url("plan_state", plan), {"state": "completed"}).status_code == 403
    assert client.get(_url("plan_change", plan)).status_code == 403
    assert client.get(_url("plan_action_new", plan)).status_code == 403
    assert client.get(_url("plan_action_change", plan, action.pk)).status_code == 403
    assert client.get(reverse("plan_new", args=["ICT"])).status_code == 403

    client.force_login(manager)
    for state, reason in (
        ("completed", "Every action done"),
        ("not_effective", "Incidents were still late in Jun-19"),
    ):
        assert (
            client.post(_url("plan_state", plan), {"state": state, "reason": reason}).status_code
            == 302
        )
    plan.refresh_from_db()
    assert plan.state == PlanState.NOT_EFFECTIVE
    # Closed as not effective, it stays closed.
    again = client.post(_url("plan_state", plan), {"state": "agreed", "reason": "Reopen"})
    assert again.status_code == 200
    assert "Choose one of the states listed" in again.content.decode()

    page = client.get(_url("plan_detail", plan)).content.decode()
    for words in (
        "Opened the plan (Manager). Why: Opened for a persistent failure",
        "Why: The supplier&#x27;s root cause came on 10 April",
        "Supplier&#x27;s root cause: (empty) → Two analysts left and were not replaced",
        "Added the action “Recruit two analysts” (Manager). Why: Action added",
        "Changed the action “Recruit two analysts” (Officer). Why: Both analysts started on 20 May",
        "State: Not started → Done",
        "State: Completed → Closed as not effective",
        "Why: Incidents were still late in Jun-19",
    ):
        assert words in page, words
    assert "Closed as not effective" in page


def test_the_plans_due_date_follows_the_contracts_working_days(client, manager, kpi_8):
    PlanSettings.objects.create(contract=kpi_8.contract, working_days=5)
    client.force_login(manager)
    form = client.get(f"/contracts/{kpi_8.contract.code}/plans/new/").content.decode()
    assert "The plan is due 5 working days after this day" in form
    assert _open(client, kpi_8).status_code == 302
    # Thursday 28 March 2024 and five working days: 2, 3, 4, 5 and 8 April.
    assert Plan.objects.get(kpi=kpi_8).due_on == datetime.date(2024, 4, 8)


def test_bad_input_is_named_beside_its_field_and_what_was_typed_is_kept(client, manager, kpi_8):
    client.force_login(manager)
    response = _open(
        client,
        kpi_8,
        title="",
        notified_on="31/02/2024",
        first_quarter="2019-03-31",
        last_quarter="2018-09-30",
        root_cause="Kept as typed",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    assert 'href="#id_title"' in page and "Say in a line what the plan is to put right" in page
    assert 'id="id_notified_on-error"' in page and "Enter a date like 2024-03-28" in page
    assert 'value="31/02/2024"' in page and "Kept as typed</textarea>" in page
    assert not Plan.objects.exists()
    # The quarters the wrong way round: said by the service, beside the last quarter.
    response = _open(client, kpi_8, first_quarter="2019-03-31", last_quarter="2018-09-30")
    assert 'id="id_last_quarter-error"' in response.content.decode()
    assert "The last quarter cannot come before the first" in response.content.decode()
    # A failure notified on a day still to come.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _open(client, kpi_8, notified_on=tomorrow.isoformat())
    assert 'id="id_notified_on-error"' in response.content.decode()
    assert "A failure cannot be notified on a day still to come" in response.content.decode()
    # An action due on a day that does not exist, and no owner.
    plan = a_plan(kpi_8)
    response = client.post(
        _url("plan_action_new", plan),
        {"description": "Recruit", "owner": "", "owner_side": "supplier", "due_on": "2024-02-30"},
    )
    page = response.content.decode()
    assert "Name the person who owns the action" in page and 'value="2024-02-30"' in page
    # Completing a plan whose actions are not all done.
    an_action(plan)
    Plan.objects.filter(pk=plan.pk).update(state=PlanState.IN_PROGRESS)
    response = client.post(_url("plan_state", plan), {"state": "completed", "reason": "Done"})
    assert "1 action is not done yet" in response.content.decode()


def test_the_committee_and_other_contracts_officers_read_a_plan_and_change_nothing(
    client, committee_member, outsider, kpi_8
):
    plan = a_plan(kpi_8)
    action = an_action(plan)
    client.force_login(committee_member)
    assert client.get(_url("plan_detail", plan)).status_code == 200
    assert client.get(reverse("plan_list", args=["ICT"])).status_code == 200
    for url in (
        reverse("plan_new", args=["ICT"]),
        _url("plan_change", plan),
        _url("plan_state", plan),
        _url("plan_action_new", plan),
        _url("plan_action_progress", plan, action.pk),
    ):
        assert client.get(url).status_code == 403, url
    client.force_login(outsider)
    assert client.get(_url("plan_detail", plan)).status_code == 200
    for url in (
        reverse("plan_new", args=["ICT"]),
        _url("plan_state", plan),
        _url("plan_action_progress", plan, action.pk),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url("plan_state", plan), {"state": "agreed"}).status_code == 404


def test_a_plan_for_a_quarter_still_in_draft_is_seen_only_by_those_working_on_it(
    client, seed, officer, manager, committee_member, outsider, kpi_8
):
    start_return(officer, seed["ICT"], Q3)
    client.force_login(manager)
    assert (
        _open(client, kpi_8, first_quarter="2019-09-30", last_quarter=Q3.isoformat()).status_code
        == 302
    )
    plan = Plan.objects.get(kpi=kpi_8)
    for user, status in ((officer, 200), (manager, 200), (committee_member, 404), (outsider, 404)):
        client.force_login(user)
        assert client.get(_url("plan_detail", plan)).status_code == status, user
        listed = client.get(reverse("plan_list", args=["ICT"])).content.decode()
        assert (plan.title in listed) is (status == 200), user


def test_an_administrator_opens_a_plan(client, admin_user, kpi_8):
    client.force_login(admin_user)
    assert _open(client, kpi_8).status_code == 302
    assert Plan.objects.get(kpi=kpi_8).opened_by == admin_user


def test_the_services_refuse_who_may_not_and_a_change_sent_twice(
    manager, officer, committee_member, kpi_8
):
    plan = a_plan(kpi_8)
    with pytest.raises(ValidationError):
        writes.move_plan(plan=plan, to_state=PlanState.COMPLETED, reason="Skip", user=manager)
    an_action(plan)
    writes.move_plan(plan=plan, to_state=PlanState.AGREED, reason="Accepted", user=manager)
    with pytest.raises(ValidationError) as twice:
        writes.move_plan(plan=plan, to_state=PlanState.AGREED, reason="Accepted", user=manager)
    assert is_conflict(twice.value)
    for user in (officer, committee_member):
        with pytest.raises(PermissionDenied):
            writes.move_plan(plan=plan, to_state=PlanState.IN_PROGRESS, reason="Go", user=user)
