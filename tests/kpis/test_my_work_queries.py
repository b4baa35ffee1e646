""" "My work" reads the same number of queries with little work or a lot, and the header's count
adds none: it is what the page kept, shown while nothing on the reader's contracts changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kpis.models import Kpi
from kpis.writes import decisions
from plans.choices import PlanState
from questions import writes as question_writes
from tests.plans.making import a_plan, an_action
from tests.questions.asking import MAR_19, TEXT

Q3 = datetime.date(2019, 12, 31)
TODAY = datetime.date(2020, 1, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def _more_work(seed, officer, committee_member) -> None:
    """Questions, suspension requests, plans and actions on both contracts."""
    for code, reference in (("PSSP", "R&B-K-009"), ("ICT", "1")):
        kpi = Kpi.objects.get(contract=seed[code], reference=reference)
        for n in range(3):
            question_writes.ask_question(
                contract=seed[code],
                user=committee_member,
                text=f"{TEXT} ({n})",
                kpi=kpi,
                end_date=MAR_19 if code == "PSSP" else None,
            )
        decisions.ask_for_suspension(
            kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Replaced", user=officer
        )
        plan = a_plan(kpi, state=PlanState.AGREED)
        for n in range(3):
            an_action(plan, due_on=datetime.date(2020, 1, 5 + n), description=f"Step {n}")


# The session, the user, their groups and assignments (with their contracts' versions, in one
# query, which the header's count is kept under), the contracts, their extensions and returns,
# questions to answer, actions owned and plan actions due (notices: none under the Act here),
# each read once whatever its size; a manager's suspension requests and plans awaited two more.
PAGE = {"officer": 9, "manager": 11}


@pytest.mark.parametrize("more", [False, True], ids=["little", "a-lot"])
@pytest.mark.parametrize("who", list(PAGE))
def test_my_work_reads_a_fixed_number_of_queries(
    client, seed, officer, manager, committee_member, django_assert_num_queries, more, who
):
    if more:
        _more_work(seed, officer, committee_member)
    user = {"officer": officer, "manager": manager}[who]
    client.force_login(user)
    with django_assert_num_queries(PAGE[who]):
        assert client.get(reverse("my_work")).status_code == 200


@pytest.mark.parametrize("more", [False, True], ids=["little", "a-lot"])
def test_the_committees_my_work_reads_a_fixed_number_of_queries(
    client, seed, officer, manager, committee_member, django_assert_num_queries, more
):
    if more:
        _more_work(seed, officer, committee_member)
    client.force_login(committee_member)
    # The session, the user, their groups, the answers since they last looked, and noting the
    # look (update_or_create: its savepoint, the read, the write).
    with django_assert_num_queries(10):
        assert client.get(reverse("my_work")).status_code == 200


def test_the_header_shows_the_count_kept_and_adds_no_query(
    client, seed, officer, django_assert_num_queries
):
    client.force_login(officer)
    returns = reverse("my_returns")
    before = client.get(returns).content.decode()
    assert ">My work</a>" in before
    client.get(reverse("my_work"))
    with django_assert_num_queries(len_queries(client, returns)):
        after = client.get(returns).content.decode()
    assert "My work (2" in after
    # Any change to the officer's contracts' data moves their version on: the count kept no
    # longer holds, and the header says "My work" alone until the page is opened again.
    seed["ICT"].__class__.objects.filter(pk=seed["ICT"].pk).touch()
    assert ">My work</a>" in client.get(returns).content.decode()


def len_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)
