"""Asking emails the contract's officers and managers; answering emails the member who asked.
Each email goes once the change is committed, and a mail server's failure loses neither."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from contracts.models import Assignment
from questions import writes
from questions.models import Answer, Question
from tests.questions.asking import MAR_19, TEXT, action


def _ask(seed, committee_member, kpi) -> Question:
    return writes.ask_question(
        contract=seed["PSSP"], user=committee_member, text=TEXT, kpi=kpi, end_date=MAR_19
    )


def test_asking_emails_the_contract_s_officers_and_managers(
    seed, committee_member, kpi, addressed, outsider, mailoutbox, django_capture_on_commit_callbacks
):
    outsider.email = "outsider@example.org"
    outsider.save()
    with django_capture_on_commit_callbacks(execute=True):
        question = _ask(seed, committee_member, kpi)
    assert sorted(m.to[0] for m in mailoutbox) == ["manager@example.org", "officer@example.org"]
    message = mailoutbox[0]
    assert message.subject == "Committee question on PSSP: R&B-K-009, Mar-19"
    assert TEXT in message.body
    assert "The figure asked about: 8%." in message.body
    assert f"/contracts/PSSP/questions/{question.pk}/" in message.body


def test_nobody_hears_of_a_question_never_saved(
    seed, committee_member, kpi, addressed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        writes.ask_question(contract=seed["PSSP"], user=committee_member, text=" ", kpi=kpi)
    assert mailoutbox == []


def test_an_officer_without_an_address_or_no_longer_active_gets_none(
    seed,
    committee_member,
    kpi,
    addressed,
    officer,
    manager,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    officer.email = ""
    officer.save()
    manager.is_active = False
    manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        _ask(seed, committee_member, kpi)
    assert mailoutbox == []


def test_answering_emails_the_member_who_asked_with_the_action_agreed(
    asked, officer, addressed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        writes.answer_question(
            question=asked, user=officer, text="A recovery plan is in place.", action=action()
        )
    assert [m.to for m in mailoutbox] == [["committee@example.org"]]
    body = mailoutbox[0].body
    assert mailoutbox[0].subject == "Your question on PSSP has been answered"
    assert "A recovery plan is in place." in body and TEXT in body
    assert "Action agreed: Send the recovery plan to the committee" in body
    assert "due 30 June 2030" in body


def test_the_same_answer_sent_twice_emails_once(
    asked, officer, addressed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            writes.answer_question(question=asked, user=officer, text="On it.")
    assert Answer.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_mail_server_that_fails_leaves_the_question_asked(
    seed, committee_member, kpi, addressed, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("questions.emails.send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(seed, committee_member, kpi)
    assert Question.objects.count() == 1


def test_an_administrator_hears_only_of_contracts_assigned_to_them(
    seed, committee_member, kpi, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(seed, committee_member, kpi)
    assert mailoutbox == []
    Assignment.objects.create(user=admin_user, contract=seed["PSSP"])
    with django_capture_on_commit_callbacks(execute=True):
        writes.ask_question(contract=seed["PSSP"], user=committee_member, text="Another?")
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
