"""Reminders by email: each person's "My work" (officers hear of returns due and overdue,
managers of those awaiting approval), once a day for each item however often the command runs."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import Assignment
from contracts.roles import Role
from kpis.writes import opening, saving, workflow
from reminders.models import ReminderSent
from reminders.sending import reminders_due
from tests.kpis.returns import fill_return

Q3 = datetime.date(2019, 12, 31)
TODAY = datetime.date(2020, 1, 10)


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    set_day(TODAY)
    return set_day


@pytest.fixture
def people(officer, manager):
    officer.email = "officer@example.org"
    officer.save()
    manager.email = "manager@example.org"
    manager.save()
    return officer, manager


def _run(fails: bool = False) -> str:
    """What the command printed; `fails`: it must end in an error, some email not being sent."""
    out = io.StringIO()
    if fails:
        with pytest.raises(CommandError, match="could not be sent"):
            call_command("send_return_reminders", stdout=out)
    else:
        call_command("send_return_reminders", stdout=out)
    return out.getvalue()


def test_it_tells_officers_what_is_due_and_managers_what_awaits_approval(
    seed, people, on_day, settings
):
    officer, _manager = people
    settings.SITE_URL = "https://kpi.example.gov.uk"
    submitted = opening.open_return(contract=seed["ICT"], end_date=Q3, user=officer)
    saving.save_return(quarterly_return=submitted, user=officer, entries=fill_return(submitted))
    workflow.submit_return(quarterly_return=submitted, user=officer)

    printed = _run()

    assert len(mail.outbox) == 2
    to_officer = next(m for m in mail.outbox if m.to == ["officer@example.org"])
    assert to_officer.subject == "KPI tracker: 1 thing to do"
    assert "PSSP 2019/20 Q3 (to 31 December 2019)" in to_officer.body
    assert "Peterborough Serco Strategic Partnership (PSSP)" in to_officer.body
    assert "Due now: overdue after 30 January 2020" in to_officer.body
    assert "https://kpi.example.gov.uk/returns/" in to_officer.body
    assert "ICT" not in to_officer.body  # submitted: the officer's part is done
    to_manager = next(m for m in mail.outbox if m.to == ["manager@example.org"])
    assert to_manager.subject == "KPI tracker: 1 thing to do"
    assert "Returns awaiting your approval" in to_manager.body
    assert "https://kpi.example.gov.uk/contracts/ICT/returns/2019-12-31/" in to_manager.body
    assert "officer: sent to officer@example.org: PSSP 2019/20 Q3" in printed
    assert "manager: sent to manager@example.org: ICT 2019/20 Q3" in printed
    assert ReminderSent.objects.count() == 2


def test_it_sends_nothing_twice_on_the_same_day_and_again_the_next(seed, people, on_day):
    _run()
    assert len(mail.outbox) == 1
    assert _run() == "No reminders to send today.\n"
    assert len(mail.outbox) == 1
    on_day(TODAY + datetime.timedelta(days=1))
    _run()
    assert len(mail.outbox) == 2


def test_it_reminds_again_the_same_day_when_a_return_becomes_overdue(seed, people, on_day):
    on_day(datetime.date(2020, 1, 30))
    _run()
    assert mail.outbox[-1].subject == "KPI tracker: 2 things to do"  # PSSP and ICT
    on_day(datetime.date(2020, 1, 31))
    _run()
    assert mail.outbox[-1].subject == "KPI tracker: 2 things to do, 2 overdue"
    assert "Overdue: due 31 December 2019, 31 days ago" in mail.outbox[-1].body


def test_it_says_who_could_not_be_emailed(seed, officer, on_day):
    printed = _run()
    assert "officer: not sent: no email address" in printed
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_it_records_nothing_when_sending_fails(seed, people, on_day, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("reminders.sending.send_mail", refuse)
    printed = _run(fails=True)
    # Everyone is tried; nothing is recorded, so the next run tries again.
    assert "officer: not sent: SMTP server down" in printed
    assert "manager" not in printed or "manager: not sent" in printed
    assert not ReminderSent.objects.exists()


def test_it_reads_the_same_number_of_queries_for_any_number_of_people(
    seed, people, on_day, django_user_model
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            reminders_due(TODAY)
        return len(queries)

    before = count()
    officers = Group.objects.get(name=Role.OFFICER.value)
    for n in range(5):
        user = django_user_model.objects.create_user(f"extra{n}", email=f"extra{n}@example.org")
        user.groups.add(officers)
        Assignment.objects.create(user=user, contract=seed["PSSP"])
    assert count() == before


def test_it_does_not_ask_a_manager_to_approve_a_return_they_submitted(
    seed, people, on_day, django_user_model, settings
):
    _officer, manager = people
    deputy = django_user_model.objects.create_user("deputy", email="deputy@example.org")
    deputy.groups.add(Group.objects.get(name=Role.MANAGER.value))
    Assignment.objects.create(user=deputy, contract=seed["ICT"])
    submitted = opening.open_return(contract=seed["ICT"], end_date=Q3, user=manager)
    saving.save_return(quarterly_return=submitted, user=manager, entries=fill_return(submitted))
    workflow.submit_return(quarterly_return=submitted, user=manager)

    def reminded() -> dict[str, list[tuple[str, str]]]:
        return {
            r.recipient.username: [(i.contract.code, i.reminder_key[2]) for i in r.items]
            for r in reminders_due(TODAY)
        }

    # Someone else must approve it (the permission table's second-person check): the deputy.
    assert reminded() == {
        "officer": [("PSSP", "due")],
        "deputy": [("ICT", "awaiting_approval")],
    }
    # A council with one manager turns the check off, and its manager is reminded again.
    settings.ALLOW_SELF_APPROVAL = True
    assert reminded()["manager"] == [("ICT", "awaiting_approval")]
