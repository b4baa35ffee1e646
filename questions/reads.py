"""What the question pages and the panels on `kpis` pages show, each in a fixed number of
queries however many questions there are: the questions with what they are about, who asked,
the figure now and their open actions (two queries), a question's thread (two more), counts (one).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from questions.models import AgreedAction, Answer, Question

OPEN, ALL = "open", "all"


def listed(contract, show: str = OPEN) -> list[Question]:
    """The contract's questions, those still open first, then the newest; `show` OPEN leaves
    out those answered with every action closed."""
    questions = Question.objects.for_contract(contract)
    if show == OPEN:
        questions = questions.still_open()
    return _with_contract(questions.for_lists().open_first(), contract)


def still_open_about_kpi(contract, kpi) -> list[Question]:
    questions = Question.objects.for_contract(contract).filter(kpi=kpi).still_open()
    return _with_contract(questions.for_lists().order_by("asked_at", "pk"), contract)


def carried_by_pack(contract, period) -> list[Question]:
    """The questions still open that the pack for `period` carries: those about it or an earlier
    quarter, or asked before its pack (by `Question.first_pack_quarter`), oldest first."""
    questions = Question.objects.for_contract(contract).in_pack_for(period).still_open()
    return _with_contract(questions.for_lists().order_by("asked_at", "pk"), contract)


@dataclass(frozen=True)
class OpenCounts:
    questions: int
    actions: int


def open_counts(contract) -> OpenCounts:
    counts = Question.objects.for_contract(contract).counts()
    return OpenCounts(counts["open_questions"], counts["open_actions"])


def thread(contract, pk: int) -> Question | None:
    """One question with its answers and every action (open or closed), in three queries; None
    if the contract has no such question."""
    question = (
        Question.objects.for_contract(contract)
        .filter(pk=pk)
        .select_related("kpi__unit", "period", "pack__period", "asked_by")
        .with_figure_now()
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("answered_by")),
            Prefetch(
                "actions",
                queryset=AgreedAction.objects.select_related("owner", "agreed_by", "closed_by"),
                to_attr="all_actions",
            ),
        )
        .first()
    )
    if question is None:
        return None
    question.contract = contract
    question.open_actions = [a for a in question.all_actions if a.is_open]
    return question


def _with_contract(questions, contract) -> list[Question]:
    """The questions, each given the contract already read, for its links."""
    found = list(questions)
    for question in found:
        question.contract = contract
    return found


def owners(contract) -> list:
    """Who may own an action, chosen from a list: the people assigned to the contract."""
    return list(
        get_user_model()
        .objects.filter(assignments__contract=contract, is_active=True)
        .order_by("first_name", "last_name", "username")
    )
