"""The daily reminder email: each person's "My work", from the same function as the page
(`kpis.reads.work`), so that the page and the email never disagree.

Officers hear of the returns due, overdue and sent back to them, managers of those awaiting their
approval and the requests and plans waiting on them, committee members of the answers to their
questions; the apps above `kpis` add their items to the list as they add them to the page. Nobody
is asked to do what the permission table would refuse them: a manager is not reminded to approve
a return they submitted themselves.

Each item is reminded of at most once a day (`ReminderSent`, keyed on the item's contract, day
and stage), so that a daily cron job nags without repeating itself: a person is emailed when
something on their list has not been reminded of today, and the email lists everything the page
does.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string

from contracts.roles import Role
from kpis.reads import work
from kpis.reads.work import WorkItem
from reminders.models import ReminderSent

logger = logging.getLogger(__name__)

# What a mail server or an address can answer: smtplib's own errors, refused connections and
# timeouts are all OSErrors. Expected, so reported without a traceback.
MAIL_ERRORS = OSError


@dataclass
class Reminder:
    recipient: User
    # Everything on the person's "My work" today, in the page's order.
    items: list[WorkItem] = field(default_factory=list)
    # Those not yet reminded of today: what the reminder log records once sent.
    fresh: list[WorkItem] = field(default_factory=list)
    outcome: str = ""
    # The email could not be sent: the next run tries again.
    failed: bool = False

    @property
    def subject(self) -> str:
        return subject_for(self.items)


def subject_for(items: list[WorkItem]) -> str:
    """ "KPI tracker: 3 things to do, 1 overdue"."""
    n = len(items)
    subject = f"KPI tracker: {n} {'thing' if n == 1 else 'things'} to do"
    overdue = work.overdue_count(items)
    return subject + (f", {overdue} overdue" if overdue else "")


def _people() -> list[User]:
    """Everyone who may have work: the active users with a contract assigned, and the
    committee's members, whose questions are answered."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(assignments__isnull=False) | Q(groups__name=Role.COMMITTEE.value))
        .distinct()
        .order_by("username")
    )


def reminders_due(today: datetime.date) -> list[Reminder]:
    """Everyone to remind today: those with something on their list not yet reminded of today,
    each with their whole list."""
    people = _people()
    found = work.work_for(people, today)
    already = set(
        ReminderSent.objects.filter(sent_on=today).values_list(
            "contract_id", "quarter_end", "recipient_id", "stage"
        )
    )
    reminders = []
    for person in people:
        items = found[person.pk]
        fresh = [
            i for i in items if (*i.reminder_key[:2], person.pk, i.reminder_key[2]) not in already
        ]
        if fresh:
            reminders.append(Reminder(person, items, fresh))
    return reminders


def send_reminders(today: datetime.date) -> Iterator[Reminder]:
    """Send today's reminders one by one, yielding each with its `outcome` once it is settled.

    A generator, so that the caller reports each send as it happens: whatever stops the run
    later, what was already sent has been said.
    """
    for reminder in reminders_due(today):
        _send(reminder, today)
        yield reminder


def _send(reminder: Reminder, today: datetime.date) -> None:
    """Claim the reminder's rows, send the email with no transaction open, release on failure.

    The rows are written first, in a transaction of their own that commits before the mail
    server is contacted: a second run at the same moment fails on the unique constraint and
    sends nothing, and no lock is held while a slow server is awaited (EMAIL_TIMEOUT bounds
    each wait, EMAIL_SEND_DEADLINE the whole send). A send that fails deletes its rows again, so
    the next run tries once more. Should the process die between claim and send, that person
    misses today's reminder and gets tomorrow's: never the same reminder twice.
    """
    user = reminder.recipient
    if not user.email:
        reminder.outcome = "not sent: no email address"
        return
    try:
        claimed = _claim(reminder, today)
    except IntegrityError:
        reminder.outcome = "not sent: another run sent it today"
        return
    try:
        _within(settings.EMAIL_SEND_DEADLINE, reminder.subject, _body(reminder), user.email)
    except Exception as error:
        # Whatever went wrong for this person (a refused address, a server that timed out, a
        # backend's own bug), the others still get theirs. A bug's traceback goes to the log.
        if not isinstance(error, MAIL_ERRORS):
            logger.exception("Reminder to %s not sent", user.email)
        ReminderSent.objects.filter(pk__in=claimed).delete()
        reminder.failed = True
        reminder.outcome = f"not sent: {_describe(error)}"
    else:
        reminder.outcome = f"sent to {user.email}"


def _within(seconds: int, subject: str, body: str, address: str) -> None:
    """Send the email, or raise TimeoutError once `seconds` have passed without it gone.

    The send runs in a thread of its own that the run stops waiting for: a mail server that
    answers a byte at a time never lets EMAIL_TIMEOUT expire. An abandoned send may still finish
    before the process ends, so that person could be reminded again tomorrow: better than no
    reminders for anyone after them.
    """
    failed: list[Exception] = []

    def send() -> None:
        try:
            send_mail(subject, body, None, [address])
        except Exception as error:
            failed.append(error)

    sending = threading.Thread(target=send, daemon=True)
    sending.start()
    sending.join(seconds)
    if sending.is_alive():
        raise TimeoutError(f"the mail server had not taken it after {seconds} seconds")
    if failed:
        raise failed[0]


def _claim(reminder: Reminder, today: datetime.date) -> list[int]:
    with transaction.atomic():
        rows = ReminderSent.objects.bulk_create(
            ReminderSent(
                contract_id=item.reminder_key[0],
                quarter_end=item.reminder_key[1],
                recipient=reminder.recipient,
                stage=item.reminder_key[2],
                sent_on=today,
            )
            for item in reminder.fresh
        )
    return [row.pk for row in rows]


def _describe(error: Exception) -> str:
    kind = type(error).__name__
    return f"{error} ({kind})" if str(error) else kind


def _body(reminder: Reminder) -> str:
    return render_to_string(
        "reminders/email.txt",
        {
            "user": reminder.recipient,
            "groups": work.grouped(reminder.items),
            "site": settings.SITE_URL.rstrip("/"),
            "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
        },
    )
