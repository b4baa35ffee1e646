"""What questions adds to the pages of `kpis` (see `kpis.pages.panels`), and the data version its
rows move on: the questions and actions still open on a KPI's page, on the scorecard (counted)
and in the committee pack (also in its PDF). Each panel is a fixed number of queries: one for the
questions, one more for their open actions when there are any, one for the scorecard's counts."""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string

from kpis.pages import panels
from kpis.permissions import Action, may_ever
from kpis.reads import work
from kpis.writes import data_version
from questions import reads
from questions import work as question_work
from questions.models import AgreedAction, Answer, Question


def _may_ask(request, contract) -> bool:
    return request is not None and may_ever(request.user, Action.ASK_QUESTION, contract.pk)


def kpi_panel(request, *, contract, kpi, **context) -> str:
    return render_to_string(
        "questions/_kpi_panel.html",
        {
            "contract": contract,
            "kpi": kpi,
            "questions": reads.still_open_about_kpi(contract, kpi),
            "may_ask": _may_ask(request, contract),
        },
    )


def scorecard_panel(request, *, contract, **context) -> str:
    return render_to_string(
        "questions/_scorecard_panel.html",
        {
            "contract": contract,
            "counts": reads.open_counts(contract),
            "may_ask": _may_ask(request, contract),
        },
    )


def pack_panel(request, *, contract, period, **context) -> str:
    """The questions still open that this quarter's pack carries. In the PDF (no request)
    without the links, which lead nowhere on paper, and only when there are some: a pack with
    none prints as it did before questions were asked, so that publishing it again makes no
    new version."""
    questions = reads.carried_by_pack(contract, period)
    for_print = request is None
    if for_print and not questions:
        return ""
    return render_to_string(
        "questions/_pack_panel.html",
        {
            "contract": contract,
            "period": period,
            "questions": questions,
            "for_print": for_print,
            "may_ask": _may_ask(request, contract),
        },
    )


def _of_question(row) -> Q:
    return Q(questions=row.question_id)


def register() -> None:
    data_version.watch(Question, data_version.of_contract)
    for model in (Answer, AgreedAction):
        data_version.watch(model, _of_question)
    panels.register_panel("kpi", kpi_panel)
    panels.register_panel("scorecard", scorecard_panel)
    panels.register_panel("pack_end", pack_panel)
    for source in (question_work.to_answer, question_work.owned, question_work.answers):
        work.register_source(source, question_work.HEADINGS)
    work.register_opened(question_work.opened)
