"""Every change to questions: asking, answering, agreeing an action and closing it.

Keyword-only, atomic, and asking the permission table first (`kpis.permissions.require`), so that
the pages, the admin and anything else refuse the same things in the same words. A question about
a quarter reads the quarter's return under the contract's lock (`kpis.writes.locks`), so that a
reopening at the same moment comes wholly before it (and the question is refused) or after it.
A form sent twice acts once: the same words from the same person add nothing the second time.
Emails go once the change is committed (`questions.emails`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from contracts.dates import date_out_of_range
from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, Reading
from kpis.permissions import Action, require
from kpis.rules.conflicts import CONFLICT
from kpis.writes import locks
from packs.models import PublishedPack
from questions import emails, rules
from questions.models import AgreedAction, Answer, Question, figure_words

NOT_APPROVED_MESSAGE = (
    "{label} is not approved: questions are about approved figures only. "
    "Choose an approved quarter, or none."
)
OTHER_PACK_QUARTER_MESSAGE = (
    "The pack chosen is for {label}: choose that quarter, or leave the quarter empty."
)


@dataclass(frozen=True)
class ActionAgreed:
    """An action as an officer or manager agrees it: what, who (a user, or a name), by when."""

    description: str
    due_date: datetime.date
    owner: User | None = None
    owner_name: str = ""


@transaction.atomic
def ask_question(
    *,
    contract: Contract,
    user,
    text: str,
    kpi: Kpi | None = None,
    end_date: datetime.date | None = None,
    pack: PublishedPack | None = None,
) -> Question:
    """A committee member's question about the contract, one of its KPIs, an approved quarter's
    figure or a published pack. The figure asked about is kept as it is now, to show later
    whether it has changed since."""
    locks.lock_contracts(contract.pk)
    require(user, Action.ASK_QUESTION, contract_id=contract.pk)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your question"})
    _check_belongs(contract, kpi, pack)
    if pack is not None:
        if end_date is not None and end_date != pack.period.end_date:
            label = pack.period.long_label
            raise ValidationError({"quarter": OTHER_PACK_QUARTER_MESSAGE.format(label=label)})
        end_date = pack.period.end_date
    period = _approved_period(contract, end_date) if end_date else None
    same = Question.objects.filter(
        contract=contract, asked_by=user, text=text, kpi=kpi, period=period, pack=pack
    ).first()
    if same is not None:
        return same
    now = timezone.now()
    question = Question(
        contract=contract,
        kpi=kpi,
        period=period,
        pack=pack,
        text=text,
        asked_by=user,
        asked_at=now,
        first_pack_quarter=rules.first_pack_quarter(
            period.end_date if period else None, timezone.localdate(now)
        ),
    )
    if kpi is not None and period is not None:
        _keep_figure(question, kpi, period)
    _recorded(question, user)
    question.save()
    transaction.on_commit(lambda: emails.question_asked(question))
    return question


def _recorded(row: Model, user, reason: str = "") -> None:
    """Who makes the change, and why, for the row's history (django-simple-history)."""
    row._history_user = user  # type: ignore[attr-defined]
    if reason:
        row._change_reason = reason  # type: ignore[attr-defined]


def _check_belongs(contract: Contract, kpi: Kpi | None, pack: PublishedPack | None) -> None:
    if kpi is not None and kpi.contract_id != contract.pk:
        raise ValidationError({"kpi": "Choose one of this contract's KPIs"})
    if pack is not None and pack.contract_id != contract.pk:
        raise ValidationError({"pack": "Choose one of this contract's published packs"})


def _approved_period(contract: Contract, end_date: datetime.date):
    """The quarter ending `end_date`, read under the lock, if its return is approved."""
    quarterly_return = locks.lock_return(contract.pk, end_date)
    if quarterly_return is None or quarterly_return.state != ReturnState.APPROVED:
        label = quarterly_return.period.long_label if quarterly_return else "That quarter"
        raise ValidationError(
            {"quarter": ValidationError(NOT_APPROVED_MESSAGE.format(label=label), code=CONFLICT)}
        )
    return quarterly_return.period


def _keep_figure(question: Question, kpi: Kpi, period) -> None:
    """The KPI's figure in the quarter as approved now, kept on the question."""
    reading = Reading.objects.filter(kpi=kpi, period=period).first()
    value = reading.value if reading else None
    reason = reading.not_measured_reason if reading else ""
    question.about_a_figure = True
    question.figure_value = value
    question.figure_reason = reason
    question.figure_text = figure_words(value, reason, kpi)[:100]


def _fresh(question: Question, user, action: Action) -> Question:
    """The question read again under the contract's lock, once the table lets `user` act."""
    locks.lock_contracts(question.contract_id)
    require(user, action, contract_id=question.contract_id)
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("contract")
        .get(pk=question.pk)
    )


@transaction.atomic
def answer_question(
    *, question: Question, user, text: str, action: ActionAgreed | None = None
) -> tuple[Answer, bool]:
    """An officer's or manager's answer, which may agree an action. Returns the answer and
    whether it was added now (not when the same answer was given already)."""
    question = _fresh(question, user, Action.ANSWER_QUESTION)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write your answer"})
    if action is not None:
        _check_action(action)
    same = Answer.objects.filter(question=question, answered_by=user, text=text).first()
    if same is not None:
        return same, False
    answer = Answer(question=question, text=text, answered_by=user, answered_at=timezone.now())
    _recorded(answer, user)
    answer.save()
    if action is not None:
        _add_action(question, answer, action, user)
    if not question.is_answered:
        question.state = Question.State.ANSWERED
        _recorded(question, user, "Answered")
        question.save(update_fields=["state"])
    transaction.on_commit(lambda: emails.question_answered(question, answer))
    return answer, True


@transaction.atomic
def agree_action(*, question: Question, user, action: ActionAgreed) -> tuple[AgreedAction, bool]:
    """An action agreed on a question outside an answer; the same action twice adds nothing."""
    question = _fresh(question, user, Action.ANSWER_QUESTION)
    _check_action(action)
    same = AgreedAction.objects.filter(
        question=question,
        description=action.description.strip(),
        due_date=action.due_date,
        closed_at__isnull=True,
    ).first()
    if same is not None:
        return same, False
    return _add_action(question, None, action, user), True


def _check_action(action: ActionAgreed) -> None:
    errors = {}
    if not action.description.strip():
        errors["description"] = "Say what will be done"
    if action.owner is None and not action.owner_name.strip():
        errors["owner_name"] = "Name who will do it, or choose them from the list"
    problem = date_out_of_range(action.due_date)
    if problem:
        errors["due_date"] = problem
    if errors:
        raise ValidationError(errors)


def _add_action(question: Question, answer: Answer | None, action: ActionAgreed, user):
    agreed = AgreedAction(
        question=question,
        answer=answer,
        description=action.description.strip(),
        owner=action.owner,
        owner_name="" if action.owner is not None else action.owner_name.strip(),
        due_date=action.due_date,
        agreed_by=user,
        agreed_at=timezone.now(),
    )
    _recorded(agreed, user)
    agreed.save()
    return agreed


@transaction.atomic
def close_action(*, action: AgreedAction, user, note: str) -> AgreedAction:
    """Close an agreed action with a note of what was done; closing it again changes nothing."""
    _fresh(action.question, user, Action.CLOSE_ACTION)
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what was done"})
    fresh = (
        AgreedAction.objects.select_for_update(of=("self",))
        .select_related("closed_by")
        .get(pk=action.pk)
    )
    if not fresh.is_open:
        raise ValidationError(
            f"This action was closed already by {fresh.closed_by_name} on "
            f"{timezone.localtime(fresh.closed_at):%-d %B %Y}: nothing was changed.",
            code=CONFLICT,
        )
    fresh.closed_at = timezone.now()
    fresh.closed_by = user
    fresh.closing_note = note
    _recorded(fresh, user, "Closed")
    fresh.save(update_fields=["closed_at", "closed_by", "closing_note"])
    return fresh
