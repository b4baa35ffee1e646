"""A question about a figure that is restated afterwards (reopened, changed and approved again)
says "figure changed since asked", with the figure then and now, wherever it is listed; while the
quarter is reopened it says so, and never shows the draft figure to those who may not see it."""

from decimal import Decimal

import pytest

from kpis.models import Kpi
from questions import rules, writes
from questions.models import Question
from tests.questions.asking import restate

MARK = "Figure changed since asked"
PAGES = ["/contracts/PSSP/questions/", "question", "kpi", "/contracts/PSSP/pack/2019-06-30/"]


def _url(page: str, question: Question) -> str:
    if page == "question":
        return question.get_absolute_url()
    if page == "kpi":
        return Kpi.objects.get(pk=question.kpi_id).get_absolute_url()
    return page


@pytest.mark.parametrize("page", PAGES)
def test_a_restated_figure_marks_its_question(
    client, committee_member, officer, manager, seed, asked, page
):
    restate(seed["PSSP"], officer, manager, 12)
    client.force_login(committee_member)
    html = client.get(_url(page, asked)).content.decode()
    assert MARK in html
    assert "Asked about 8%; now 12%." in html


@pytest.mark.parametrize("page", PAGES)
def test_an_unchanged_figure_leaves_its_question_unmarked(client, committee_member, asked, page):
    client.force_login(committee_member)
    html = client.get(_url(page, asked)).content.decode()
    assert "Why did parking debt recovery" in html
    assert MARK not in html and "reopened since asked" not in html


def test_a_quarter_approved_again_with_the_same_figure_leaves_it_unmarked(
    client, committee_member, officer, manager, seed, asked
):
    restate(seed["PSSP"], officer, manager, 8)
    client.force_login(committee_member)
    assert MARK not in client.get(asked.get_absolute_url()).content.decode()


def test_while_reopened_it_says_so_without_the_draft_figure(
    client, committee_member, officer, manager, seed, asked
):
    restate(seed["PSSP"], officer, manager, 12, approve=False)
    client.force_login(committee_member)
    html = client.get(asked.get_absolute_url()).content.decode()
    assert "Quarter reopened since asked" in html
    assert "12%" not in html and MARK not in html


def test_a_figure_becoming_not_measured_is_a_change():
    change = rules.figure_change(
        about_a_figure=True, asked=(Decimal(8), ""), now=(None, "No survey"), approved_now=True
    )
    assert change == rules.FigureChange.CHANGED


def test_a_question_without_a_kpi_s_quarter_follows_no_figure(seed, committee_member):
    question = writes.ask_question(contract=seed["PSSP"], user=committee_member, text="Budget?")
    found = Question.objects.with_figure_now().get(pk=question.pk)
    assert found.figure_change == rules.FigureChange.NONE
