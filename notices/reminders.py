"""The notice reminder email: each contract's managers hear of its Contract Performance Notices
overdue or due within 30 days, once a day for each notice (the reminders app's `ReminderSent`
keeps what was sent, keyed on the notice's day and kind), so that a daily cron job nags without
repeating itself. Run by `python manage.py send_notice_reminders`.
"""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from contracts.models import Assignment, Contract
from contracts.roles import Role, has_role
from kpis.permissions import Action, may_ever
from notices import due
from reminders.models import ReminderSent


def send_notice_reminders(today: datetime.date) -> int:
    """Email each manager the notices owed on their contracts; returns the emails sent."""
    owed = [d for entry in due.owed(Contract.objects.all(), today) for d in entry.attention]
    by_user: dict[int, tuple] = {}
    assignments = Assignment.objects.filter(
        contract__in={d.contract.pk for d in owed}
    ).select_related("user")
    for assignment in assignments:
        user = assignment.user
        if not user.email or not has_role(user, Role.MANAGER):
            continue
        if not may_ever(user, Action.DRAFT_NOTICE, assignment.contract_id):
            continue
        items = [d for d in owed if d.contract.pk == assignment.contract_id]
        by_user.setdefault(user.pk, (user, []))[1].extend(items)
    sent = 0
    for user, items in by_user.values():
        fresh = [d for d in items if _claim(user, d, today)]
        if not fresh:
            continue
        lines = [
            f"- {d.contract.name}: {d.label}, {d.clock.words} ({d.due_on:%-d %B %Y})" for d in fresh
        ]
        send_mail(
            f"Contract Performance Notices: {len(fresh)} due",
            "These Contract Performance Notices are overdue or due within 30 days:\n\n"
            + "\n".join(lines)
            + "\n\nDraft each from the contract's Contract Performance Notices page.\n",
            None,
            [user.email],
        )
        sent += 1
    return sent


def _claim(user, item: due.DueNotice, today: datetime.date) -> bool:
    """Record the reminder of this notice to this user today; False if it was sent already."""
    stage = f"notice-{item.kind}"[:20]
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                contract=item.contract,
                quarter_end=item.due_on,
                recipient=user,
                stage=stage,
                sent_on=today,
            )
    except IntegrityError:
        return False
    return True
