"""The notice reminder email: a contract's managers hear of its notices owed, once a day."""

import datetime

from django.core import mail
from django.core.management import call_command

from notices import writes
from notices.choices import BreachOutcome
from notices.reminders import send_notice_reminders
from tests.notices.making import under_act


def test_managers_hear_of_notices_owed_once_a_day(seed, manager, officer):
    ict = under_act(seed["ICT"])
    manager.email, officer.email = "manager@example.org", "officer@example.org"
    manager.save()
    officer.save()
    writes.record_breach(
        contract=ict,
        occurred_on=datetime.date(2025, 5, 1),
        description="Outage",
        outcome=BreachOutcome.SETTLEMENT,
        user=manager,
    )
    today = datetime.date(2025, 5, 20)
    assert send_notice_reminders(today) == 1
    (email,) = mail.outbox
    assert email.to == ["manager@example.org"]
    assert "breach of 1 May 2025" in email.body and "due in 11 days" in email.body
    assert send_notice_reminders(today) == 0
    call_command("send_notice_reminders")
