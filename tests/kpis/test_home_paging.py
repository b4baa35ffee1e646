"""The home page at many contracts: 50 a page, searchable, with the same counts as before."""

import re

import pytest
from django.core.cache import caches
from django.utils import timezone

from contracts.models import Contract
from kpis.models import QuarterlyReturn, Reading
from kpis.pages.scrutiny import CONTRACTS_PER_PAGE
from kpis.reads.scorecard import counts_by_quarter, latest_counts
from kpis.reads.summary import Counts, summarise
from kpis.writes.demo_data import generate


@pytest.fixture
def many(db):
    return generate(contracts=120, kpis=4, quarters=3, seed=7)


def _rows(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/contracts/([^/]+)/">', html)


def test_it_counts_each_latest_quarter_as_counting_contract_by_contract_would(many):
    today = timezone.localdate()
    latest = {}
    for r in QuarterlyReturn.objects.filter(state="approved").order_by("period__end_date"):
        latest[r.contract_id] = r.period_id
    counts = latest_counts(latest, today)
    assert len(counts) > 50
    for contract_id, period_id in latest.items():
        # Independently: the contract's own readings of that one quarter, summed over its areas.
        one = summarise(Reading.objects.filter(kpi__contract_id=contract_id), [period_id], today)
        assert counts.get(contract_id, Counts()) == sum(one.values(), Counts())


def test_it_counts_only_the_quarters_asked_of_each_contract(many):
    today = timezone.localdate()
    first, second = Contract.objects.order_by("pk")[:2]
    periods = sorted({r.period_id for r in QuarterlyReturn.objects.filter(contract=first)})
    assert len(periods) == 3
    wanted = {first.pk: periods[:2], second.pk: periods[2:]}
    counts = counts_by_quarter(wanted, today)
    assert {key for key, value in counts.items() if value != Counts()} == {
        (contract_id, period_id) for contract_id, asked in wanted.items() for period_id in asked
    }
    for contract_id, asked in wanted.items():
        readings = Reading.objects.filter(kpi__contract_id=contract_id)
        for period_id in asked:
            one = summarise(readings, [period_id], today)
            assert counts[contract_id, period_id] == sum(one.values(), Counts())


def test_it_pages_the_contracts_fifty_at_a_time(client, committee_member, many):
    client.force_login(committee_member)
    first = client.get("/").content.decode()
    assert len(_rows(first)) == CONTRACTS_PER_PAGE == 50
    assert "Showing 1 to 50 of 120 contracts." in first
    assert "Page 1 of 3" in first
    last = client.get("/?page=3").content.decode()
    assert len(_rows(last)) == 20
    assert set(_rows(first)).isdisjoint(_rows(last))
    # A page number out of range shows the last page rather than an error.
    assert _rows(client.get("/?page=99").content.decode()) == _rows(last)


def test_it_finds_a_contract_by_name_or_code(client, committee_member, many):
    client.force_login(committee_member)
    code = Contract.objects.order_by("code").last().code
    found = client.get("/", {"q": code.lower()}).content.decode()
    assert code in _rows(found)
    assert f"matching “{code.lower()}”" in found
    nothing = client.get("/", {"q": "no such contract"}).content.decode()
    assert _rows(nothing) == []
    assert "No contract matches “no such contract”." in nothing


@pytest.mark.parametrize("page", ["1", "3"])
def test_it_reads_the_same_number_of_queries_on_any_page(
    client, committee_member, many, django_assert_num_queries, page
):
    client.force_login(committee_member)
    client.get("/")
    # The first page is kept under its number, as "/" without one: each page is counted built.
    caches["pages"].clear()
    with django_assert_num_queries(10):
        assert client.get("/", {"page": page}).status_code == 200


def test_it_says_how_many_kpis_each_contract_holds_none_included(client, committee_member, many):
    Contract.objects.create(code="AAA-EMPTY", name="A contract of no KPIs yet", authority="A")
    client.force_login(committee_member)
    page = client.get("/").content.decode()
    assert "for A; 0 KPIs held" in page
    assert page.count("4 KPIs held") == CONTRACTS_PER_PAGE - 1
