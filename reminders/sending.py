"""Who is reminded of which returns, and the sending.

Officers hear of the returns of their contracts that are due or overdue, managers of those
awaiting their approval; each person gets one email listing everything, at most once a day for
each return and stage (`ReminderSent`), so that a daily cron job nags without repeating itself.
Nobody is asked to do what the permission table would refuse them: a manager is not reminded to
approve a return they submitted themselves.
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
from django.template.loader import render_to_string
from django.urls import reverse

from contracts.models import Assignment, Contract
from contracts.roles import Role, has_role, remember_assignments, remember_roles
from kpis.permissions import Action, refusal
from kpis.rules import due
from kpis.rules.due import QuarterDue, Stage
from reminders.models import ReminderSent

logger = logging.getLogger(__name__)

# What a mail server or an address can answer: smtplib's own errors, refused connections and
# timeouts are all OSErrors. Expected, so reported without a traceback.
MAIL_ERRORS = OSError

STAGES_BY_ROLE = {
    Role.OFFICER: (Stage.DUE, Stage.OVERDUE),
    Role.MANAGER: (Stage.AWAITING_APPROVAL,),
}


@dataclass
class Reminder:
    recipient: User
    quarters: list[QuarterDue] = field(default_factory=list)
    outcome: str = ""
    # The email could not be sent: the next run tries again.
    failed: bool = False

    @property
    def subject(self) -> str:
        counts = {}
        for q in self.quarters:
            counts[q.stage.label.lower()] = counts.get(q.stage.label.lower(), 0) + 1
        parts = [f"{n} {stage}" for stage, n in counts.items()]
        return "KPI returns: " + ", ".join(parts)


def _asked_of(q: QuarterDue) -> Action:
    """What a reminder of this quarter asks its reader to do."""
    if q.stage == Stage.AWAITING_APPROVAL:
        return Action.APPROVE
    return Action.SUBMIT if q.quarterly_return else Action.START


def _link(q: QuarterDue) -> str:
    if q.quarterly_return is None:
        path = reverse("my_returns")
    else:
        path = reverse("return_detail", args=[q.contract.code, q.end.isoformat()])
    return settings.SITE_URL.rstrip("/") + path


def reminders_due(today: datetime.date) -> list[Reminder]:
    """Everyone to remind today, with the returns not yet reminded of today at their stage."""
    quarters = due.quarters_for(Contract.objects.all(), today)
    by_contract: dict[int, list[QuarterDue]] = {}
    for q in quarters:
        by_contract.setdefault(q.contract.pk, []).append(q)
    already = set(
        ReminderSent.objects.filter(sent_on=today).values_list(
            "contract_id", "quarter_end", "recipient_id", "stage"
        )
    )
    reminders: dict[int, Reminder] = {}
    assignments = list(
        Assignment.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__username", "contract__code")
    )
    # One object per person, whose roles and contracts are read once for everyone.
    users = {a.user_id: a.user for a in assignments}
    remember_roles(users.values())
    remember_assignments(users.values(), assignments)
    for assignment in assignments:
        user = users[assignment.user_id]
        stages = [s for role, ss in STAGES_BY_ROLE.items() if has_role(user, role) for s in ss]
        for q in by_contract.get(assignment.contract_id, []):
            if q.stage not in stages or (q.contract.pk, q.end, user.pk, q.stage) in already:
                continue
            if refusal(user, _asked_of(q), q.quarterly_return, contract_id=q.contract.pk):
                continue
            reminders.setdefault(user.pk, Reminder(user)).quarters.append(q)
    return list(reminders.values())


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
                contract=q.contract,
                quarter_end=q.end,
                recipient=reminder.recipient,
                stage=q.stage,
                sent_on=today,
            )
            for q in reminder.quarters
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
            "items": [(q, _link(q)) for q in reminder.quarters],
            "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
        },
    )
