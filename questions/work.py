"""What questions adds to each person's "My work" (`kpis.reads.work`): the committee's questions
waiting for an answer on the contracts a person may answer for, the agreed actions they own, and,
for the committee member who asked, the answers given since they last opened "My work".

One query for each of the three, and none where nobody read is concerned.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from contracts.roles import Role, has_role
from kpis.permissions import Action, may_ever
from kpis.reads.work import Asked, WorkItem
from questions.models import AgreedAction, Answer, Question, WorkSeen

HEADINGS = {
    "question_to_answer": "Committee questions to answer",
    "action_owned": "Agreed actions you own",
    "answer": "Answers to your questions",
}

Found = Iterable[tuple[User, WorkItem]]


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localdate(moment):%-d %B %Y}"


def _question_link(contract, question_id: int) -> str:
    return reverse("question_detail", args=[contract.code, question_id])


def to_answer(asked: Asked) -> Found:
    """Questions not yet answered, for everyone the table lets answer them."""
    allowed = {
        p.pk: {c.pk for c in asked.contracts_of(p) if may_ever(p, Action.ANSWER_QUESTION, c.pk)}
        for p in asked.working()
    }
    ids = set().union(*allowed.values()) if allowed else set()
    if not ids:
        return
    questions = (
        Question.objects.filter(contract__in=ids, state=Question.State.OPEN)
        .select_related("kpi", "period", "pack__period", "asked_by")
        .order_by("asked_at", "pk")
    )
    for question in questions:
        contract = asked.contracts[question.contract_id]
        for person in asked.working():
            if question.contract_id in allowed[person.pk]:
                yield (
                    person,
                    WorkItem(
                        kind="question_to_answer",
                        title=f"Question about {question.about}",
                        contract=contract,
                        link=_question_link(contract, question.pk),
                        status=f"Asked on {_day(question.asked_at)} by {question.asked_by_name}",
                        reason=question.text,
                        reminder_day=timezone.localdate(question.asked_at),
                        reminder_stage=f"question:{question.pk}",
                    ),
                )


def owned(asked: Asked) -> Found:
    """Agreed actions still open whose owner is the person, on contracts where the table lets
    them close it."""
    people = {p.pk: p for p in asked.working()}
    if not people:
        return
    actions = (
        AgreedAction.objects.filter(
            owner__in=list(people),
            closed_at__isnull=True,
            question__contract__in=list(asked.contracts),
        )
        .select_related("question")
        .order_by("due_date", "pk")
    )
    for action in actions:
        if action.owner_id is None:
            continue
        person = people[action.owner_id]
        contract = asked.contracts[action.question.contract_id]
        if not may_ever(person, Action.CLOSE_ACTION, contract.pk):
            continue
        overdue = action.due_date < asked.today
        yield (
            person,
            WorkItem(
                kind="action_owned",
                title=action.description,
                contract=contract,
                link=_question_link(contract, action.question_id),
                due_on=action.due_date,
                overdue=overdue,
                status=f"{'Overdue: was due' if overdue else 'Due'} {action.due_date:%-d %B %Y}",
                reminder_day=action.due_date,
                reminder_stage=f"action:{action.pk}",
            ),
        )


def answers(asked: Asked) -> Found:
    """For each committee member, the answers to their questions given since they last opened
    "My work" (all of them, before they first do)."""
    people = {p.pk: p for p in asked.people if has_role(p, Role.COMMITTEE)}
    if not people:
        return
    seen = WorkSeen.objects.filter(user=OuterRef("question__asked_by")).values("seen_at")
    found = (
        Answer.objects.filter(question__asked_by__in=list(people))
        .annotate(seen_at=Subquery(seen[:1]))
        .filter(Q(seen_at__isnull=True) | Q(answered_at__gt=F("seen_at")))
        .select_related("question__contract", "question__kpi", "question__period")
        .select_related("question__pack__period", "answered_by")
        .order_by("answered_at", "pk")
    )
    for answer in found:
        question = answer.question
        yield (
            people[question.asked_by_id],
            WorkItem(
                kind="answer",
                title=f"Your question about {question.about}",
                contract=question.contract,
                link=_question_link(question.contract, question.pk),
                status=f"Answered on {_day(answer.answered_at)} by {answer.answered_by_name}",
                reason=answer.text,
                reminder_day=timezone.localdate(answer.answered_at),
                reminder_stage=f"answer:{answer.pk}",
            ),
        )


def opened(person: User, at: datetime.datetime) -> None:
    """A committee member opened "My work": the answers it showed are no longer new."""
    if has_role(person, Role.COMMITTEE):
        WorkSeen.objects.update_or_create(user=person, defaults={"seen_at": at})
