"""The question pages and the panels run a fixed number of queries, however many questions,
answers and actions there are."""

import pytest
from django.test import RequestFactory

from contracts.roles import part_in
from kpis.models import ReportingPeriod
from questions import hooks, writes
from questions.models import Question
from tests.questions.asking import MAR_19, action


def _questions(seed, committee_member, officer, kpi, count: int) -> None:
    """`count` questions about the KPI's Mar-19 figure, each answered with an action agreed."""
    for n in range(count):
        question = writes.ask_question(
            contract=seed["PSSP"],
            user=committee_member,
            text=f"Question {n}",
            kpi=kpi,
            end_date=MAR_19,
        )
        writes.answer_question(
            question=question, user=officer, text=f"Answer {n}", action=action(f"Action {n}")
        )


# The session, the user and the contract, then for each page:
PAGES = {
    # the questions with their open actions (two), and the reader's groups to offer asking.
    "/contracts/PSSP/questions/": (6, 6),
    "/contracts/PSSP/questions/?show=all": (6, 6),
    # the question with its answers and actions (three) and the reader's groups (an officer's
    # assignments read with them), and the people who may own an action.
    "question": (8, 9),
    # the groups, the quarters, the published packs and the KPIs offered.
    "/contracts/PSSP/questions/ask/": (7, None),
}


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize("reader", ["committee_member", "officer"])
def test_the_pages_run_a_fixed_number_of_queries(
    client, request, seed, committee_member, officer, kpi, django_assert_num_queries, count, reader
):
    _questions(seed, committee_member, officer, kpi, count)
    first = Question.objects.earliest("pk")
    client.force_login(request.getfixturevalue(reader))
    for url, (as_committee, as_officer) in PAGES.items():
        expected = as_committee if reader == "committee_member" else as_officer
        if expected is None:
            continue
        url = first.get_absolute_url() if url == "question" else url
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [0, 1, 8])
def test_each_panel_runs_a_fixed_number_of_queries(
    seed, committee_member, officer, kpi, django_assert_num_queries, count
):
    _questions(seed, committee_member, officer, kpi, count)
    request = RequestFactory().get("/")
    request.user = committee_member
    contract = seed["PSSP"]
    part_in(committee_member, contract.pk)
    period = ReportingPeriod.objects.get(end_date="2019-06-30")
    # The questions, then their open actions when there are questions; the scorecard's counts.
    listed = 2 if count else 1
    with django_assert_num_queries(listed):
        assert ("Question 0" in hooks.kpi_panel(request, contract=contract, kpi=kpi)) is bool(count)
    with django_assert_num_queries(listed):
        html = hooks.pack_panel(None, contract=contract, period=period)
        assert ("Question 0" in html) is bool(count)
    with django_assert_num_queries(1):
        html = hooks.scorecard_panel(request, contract=contract)
    assert f"{count} agreed action" in html
