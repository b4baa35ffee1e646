"""Who is reminded of which returns, and the sending.

Officers hear of the returns of their contracts that are due or overdue, managers of those
awaiting their approval; each person gets one email listing everything, at most once a day for
each return and stage (`ReminderSent`), so that a daily cron job nags without repeating itself.
Nobody is asked to do what the permission table would refuse them: a manager is not reminded to
approve a return they submitted themselves.
"""

from __future__ import annotations

import datetime
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from contracts.models import Assignment, Contract
from contracts.roles import Role, has_role, remember_assignments, remember_roles
from kpis import due
from kpis.due import QuarterDue, Stage
from kpis.permissions import Action, refusal
from reminders.models import ReminderSent

STAGES_BY_ROLE = {
    Role.OFFICER: (Stage.DUE, Stage.OVERDUE),
    Role.MANAGER: (Stage.AWAITING_APPROVAL,),
}


@dataclass
class Reminder:
    recipient: object
    quarters: list[QuarterDue] = field(default_factory=list)
    outcome: str = ""

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


def send_reminders(today: datetime.date) -> list[Reminder]:
    """Send today's reminders; each reminder's `outcome` says what became of it."""
    reminders = reminders_due(today)
    for reminder in reminders:
        user = reminder.recipient
        if not user.email:
            reminder.outcome = "not sent: no email address"
            continue
        body = render_to_string(
            "reminders/email.txt",
            {
                "user": user,
                "items": [(q, _link(q)) for q in reminder.quarters],
                "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
            },
        )
        try:
            # Recorded first and sent inside the same transaction: a failed send records
            # nothing, and a run racing this one fails on the constraint instead of repeating.
            with transaction.atomic():
                ReminderSent.objects.bulk_create(
                    ReminderSent(
                        contract=q.contract,
                        quarter_end=q.end,
                        recipient=user,
                        stage=q.stage,
                        sent_on=today,
                    )
                    for q in reminder.quarters
                )
                send_mail(reminder.subject, body, None, [user.email])
        except IntegrityError:
            reminder.outcome = "not sent: another run sent it today"
        except (OSError, smtplib.SMTPException) as error:
            # One unreachable mailbox must not stop everyone else's reminders; nothing was
            # recorded, so the next run tries again.
            reminder.outcome = f"not sent: {error}"
        else:
            reminder.outcome = f"sent to {user.email}"
    return reminders
