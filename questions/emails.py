"""The emails questions send: to the contract's officers and managers when a question is asked,
and to the member who asked it when it is answered.

Sent once the change is committed (`questions.writes` hands them to `transaction.on_commit`), so
that nobody hears of a question that was never saved. A mail server that fails is logged and
left: the question or answer stands, and is on its pages for anyone to read.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from contracts.models import Assignment
from contracts.roles import remember_assignments, remember_roles
from kpis.permissions import Action, may_ever

logger = logging.getLogger(__name__)

# What a mail server or an address can answer (smtplib's errors, refused connections, timeouts).
MAIL_ERRORS = OSError


def _link(question) -> str:
    return settings.SITE_URL.rstrip("/") + question.get_absolute_url()


def answerers(contract) -> list:
    """The contract's officers and managers who may answer its questions, with an address:
    those assigned to it (an administrator looks after every contract, and hears only of those
    assigned to them)."""
    assignments = list(
        Assignment.objects.filter(contract=contract, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )
    users = [a.user for a in assignments]
    remember_roles(users)
    remember_assignments(users, assignments)
    return [u for u in users if may_ever(u, Action.ANSWER_QUESTION, contract.pk)]


def question_asked(question) -> None:
    contract = question.contract
    subject = f"Committee question on {contract.code}: {question.about}"
    for user in answerers(contract):
        body = render_to_string(
            "questions/email_asked.txt",
            {"user": user, "question": question, "contract": contract, "link": _link(question)},
        )
        _send(subject, body, user.email)


def question_answered(question, answer) -> None:
    asker = question.asked_by
    if not asker.is_active or not asker.email:
        return
    subject = f"Your question on {question.contract.code} has been answered"
    body = render_to_string(
        "questions/email_answered.txt",
        {"user": asker, "question": question, "answer": answer, "link": _link(question)},
    )
    _send(subject, body, asker.email)


def _send(subject: str, body: str, address: str) -> None:
    try:
        send_mail(subject, body, None, [address])
    except MAIL_ERRORS as error:
        logger.warning("Question email to %s not sent: %s", address, error)
