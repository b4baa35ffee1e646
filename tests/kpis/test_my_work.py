"""Each person's "My work": officers see the returns due, overdue and sent back to them (with the
reason), managers those awaiting their approval (never one they submitted) and the requests,
plans and notices waiting on them, the committee the answers to their questions; nobody sees
another contract's work; and the daily email lists exactly what the page does."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from contracts.models import Assignment
from contracts.roles import Role
from kpis.models import Kpi
from kpis.reads import work
from kpis.writes import decisions, opening, saving, workflow
from plans.choices import PlanState
from questions import writes as question_writes
from reminders.sending import reminders_due
from tests.kpis.returns import fill_return
from tests.plans.making import a_plan, an_action
from tests.questions.asking import MAR_19, TEXT

Q3 = datetime.date(2019, 12, 31)
TODAY = datetime.date(2020, 1, 10)


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    set_day(TODAY)
    return set_day


def _listed(user, day=TODAY) -> list[tuple[str, str]]:
    return [(item.kind, item.title) for item in work.work_of(user, day)]


def _submitted(officer, contract):
    quarterly_return = opening.open_return(contract=contract, end_date=Q3, user=officer)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    return workflow.submit_return(quarterly_return=quarterly_return, user=officer)


def _deputy(django_user_model, seed):
    deputy = django_user_model.objects.create_user("deputy", email="deputy@example.org")
    deputy.groups.add(Group.objects.get(name=Role.MANAGER.value))
    Assignment.objects.create(user=deputy, contract=seed["ICT"])
    return deputy


def test_it_lists_an_officers_returns_due_and_a_managers_awaiting_approval(
    seed, officer, manager, on_day
):
    assert _listed(officer) == [
        ("return_due", "ICT 2019/20 Q3 (to 31 December 2019)"),
        ("return_due", "PSSP 2019/20 Q3 (to 31 December 2019)"),
    ]
    assert _listed(manager) == []
    _submitted(officer, seed["ICT"])
    assert _listed(officer) == [("return_due", "PSSP 2019/20 Q3 (to 31 December 2019)")]
    assert _listed(manager) == [
        ("awaiting_approval", "ICT 2019/20 Q3 (to 31 December 2019)"),
    ]


def test_it_flags_returns_overdue(seed, officer, on_day):
    items = work.work_of(officer, datetime.date(2020, 1, 31))
    assert [item.overdue for item in items] == [True, True]
    assert items[0].status == "Overdue: due 31 December 2019, 31 days ago"


def test_a_manager_never_sees_a_return_they_submitted(
    seed, manager, on_day, django_user_model, settings
):
    deputy = _deputy(django_user_model, seed)
    _submitted(manager, seed["ICT"])
    assert ("awaiting_approval", "ICT 2019/20 Q3 (to 31 December 2019)") not in _listed(manager)
    assert _listed(deputy) == [("awaiting_approval", "ICT 2019/20 Q3 (to 31 December 2019)")]
    # A council with a single manager lifts the second-person check.
    settings.ALLOW_SELF_APPROVAL = True
    assert ("awaiting_approval", "ICT 2019/20 Q3 (to 31 December 2019)") in _listed(manager)


def test_a_return_sent_back_shows_its_tag_and_reason(client, seed, officer, manager, on_day):
    submitted = _submitted(officer, seed["ICT"])
    workflow.send_back_return(
        quarterly_return=submitted,
        user=manager,
        reason="KPI 3 repeats the figure of the quarter before.",
    )
    assert _listed(officer)[0] == ("returned", "ICT 2019/20 Q3 (to 31 December 2019)")
    client.force_login(officer)
    page = client.get(reverse("my_work")).content.decode()
    assert "Returns sent back to you" in page
    assert "app-returned-tag" in page and "Returned" in page
    assert "Returned with the reason: KPI 3 repeats the figure of the quarter before." in page


def test_a_manager_sees_suspension_requests_plans_and_actions_due(seed, officer, manager, on_day):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="The system was replaced", user=officer
    )
    late = a_plan(kpi, due_on=datetime.date(2020, 1, 6), title="Answer calls on time again")
    agreed = a_plan(
        Kpi.objects.get(contract=seed["ICT"], reference="2"),
        state=PlanState.AGREED,
        title="Fix incidents",
    )
    an_action(agreed, due_on=datetime.date(2020, 1, 20), description="Recruit two analysts")
    an_action(agreed, due_on=datetime.date(2020, 6, 1), description="Not due for months")
    listed = _listed(manager)
    assert ("suspension_request", "Suspend 1 from 31 December 2019?") in listed
    assert ("plan_due", f"1: {late.title}") in listed
    assert ("plan_action_due", "2: Recruit two analysts (Sam Patel)") in listed
    assert not [title for _, title in listed if "Not due for months" in title]
    # The officer records progress on the actions; the plans and requests are a manager's.
    kinds = {kind for kind, _ in _listed(officer)}
    assert "plan_action_due" in kinds
    assert not kinds & {"suspension_request", "plan_due"}


def test_officers_answer_questions_and_see_the_actions_they_own_and_the_committee_the_answers(
    client, seed, officer, manager, committee_member, on_day
):
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    question = question_writes.ask_question(
        contract=seed["PSSP"], user=committee_member, text=TEXT, kpi=kpi, end_date=MAR_19
    )
    assert ("question_to_answer", "Question about R&B-K-009, Mar-19") in _listed(officer)
    assert ("question_to_answer", "Question about R&B-K-009, Mar-19") in _listed(manager)
    assert _listed(committee_member) == []
    question_writes.answer_question(
        question=question,
        user=manager,
        text="The supplier lost a contractor.",
        action=question_writes.ActionAgreed(
            description="Report the recovery", due_date=datetime.date(2020, 1, 5), owner=officer
        ),
    )
    owned = [i for i in work.work_of(officer, TODAY) if i.kind == "action_owned"]
    assert [(i.title, i.overdue) for i in owned] == [("Report the recovery", True)]
    assert not [i for i in work.work_of(manager, TODAY) if i.kind == "action_owned"]
    assert _listed(committee_member) == [("answer", "Your question about R&B-K-009, Mar-19")]
    # Opening My work shows the answer once; after that it is no longer new.
    client.force_login(committee_member)
    page = client.get(reverse("my_work")).content.decode()
    assert "The supplier lost a contractor." in page
    assert "My work (1" in page
    assert _listed(committee_member) == []
    assert "My work (0" in client.get(reverse("my_work")).content.decode()


def test_another_contracts_work_never_appears(seed, officer, outsider, manager, on_day):
    herts = [title for _, title in _listed(outsider)]
    assert herts and all(title.startswith("HERTS") for title in herts)
    assert not [title for _, title in _listed(officer) if title.startswith("HERTS")]
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Replaced", user=officer
    )
    a_plan(kpi, due_on=datetime.date(2020, 1, 6))
    assert {kind for kind, _ in _listed(outsider)} == {"return_due"}


def test_the_page_groups_items_and_says_when_there_is_nothing(
    client, seed, officer, committee_member, on_day
):
    client.force_login(officer)
    page = client.get(reverse("my_work")).content.decode()
    assert "Returns to complete and submit (2)" in page
    assert "You have 2 things to do." in page
    assert "My work (2" in page
    page = client.get(reverse("my_work"), headers={}).content.decode()
    client.force_login(committee_member)
    page = client.get(reverse("my_work")).content.decode()
    assert "No answers to your questions have come in since you last looked." in page


def test_overdue_is_said_in_words(client, seed, officer, on_day):
    on_day(datetime.date(2020, 2, 3))
    client.force_login(officer)
    page = client.get(reverse("my_work")).content.decode()
    assert "You have 2 things to do, 2 of them overdue." in page
    assert page.count(">! </span>Overdue</strong>") == 2


def test_the_email_and_the_page_list_the_same_items(
    client, seed, officer, manager, committee_member, on_day, django_user_model
):
    """Every kind of item for three people on one day: the reminder lists what the page does."""
    for user in (officer, manager, committee_member):
        user.email = f"{user.username}@example.org"
        user.save()
    _submitted(officer, seed["ICT"])
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    question = question_writes.ask_question(
        contract=seed["PSSP"], user=committee_member, text=TEXT, kpi=kpi, end_date=MAR_19
    )
    question_writes.answer_question(question=question, user=manager, text="Recounted.")
    question_writes.ask_question(
        contract=seed["PSSP"], user=committee_member, text="And the next quarter?", kpi=kpi
    )
    a_plan(Kpi.objects.get(contract=seed["ICT"], reference="1"), due_on=datetime.date(2020, 1, 6))
    reminders = {r.recipient.username: r for r in reminders_due(TODAY)}
    assert set(reminders) == {"officer", "manager", "committee"}
    for user in (officer, manager, committee_member):
        emailed = [(i.kind, i.title, i.link) for i in reminders[user.username].items]
        listed = [(i.kind, i.title, i.link) for i in work.work_of(user, TODAY)]
        assert emailed == listed and listed
        client.force_login(user)
        page = client.get(reverse("my_work")).content.decode()
        for _kind, title, link in emailed:
            assert f'href="{link}">{title}</a>' in page.replace("&amp;", "&")
