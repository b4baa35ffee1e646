"""The committee pack and the scorecard count (and the pack explains its differences) from the
readings of their grids: the same counts and the same readings behind each difference as the
queries of their own give."""

from __future__ import annotations

import datetime
from itertools import pairwise

import pytest

from contracts.models import Contract
from kpis.models import Kpi, ReportingPeriod
from kpis.permissions import STATES
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads.grid import build_grid
from kpis.reads.reported import compare
from kpis.reads.scorecard import scorecard
from kpis.reads.summary import summarise_contract, summarise_judged
from kpis.reads.year import year_of

DAYS = [datetime.date(2019, 3, 1), datetime.date(2020, 6, 1), datetime.date(2026, 1, 1)]


def _years(contract: Contract):
    """Each approved quarter of the contract with its financial year to date, as a pack shows."""
    periods = list(ReportingPeriod.objects.for_contract(contract))
    for period in PUBLIC.shown(periods):
        yield [
            p
            for p in periods
            if p.financial_year == period.financial_year and p.end_date <= period.end_date
        ]


def _judged(contract: Contract, year, today) -> list:
    rows = build_grid(
        Kpi.objects.for_contract(contract).in_report_order(),
        year,
        today,
        sight=PUBLIC,
        held_periods=list(ReportingPeriod.objects.for_contract(contract)),
        contract=contract,
    )
    return [c.reading for row in rows for c in row.cells if c.reading is not None]


def _seen(comparisons) -> list[tuple]:
    return [
        (
            c.area.pk,
            c.period.pk,
            c.published.pk,
            c.computed,
            [(r.pk, r.status, r.rule_target, r.value, r.figure_unit.pk) for r in c.behind],
        )
        for c in comparisons
    ]


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_it_counts_and_explains_as_the_queries_do_for_every_seed_pack(seed, today):
    differences = behind = 0
    for contract in seed.values():
        for year in _years(contract):
            readable = PUBLIC.shown(year)
            judged = _judged(contract, year, today)
            counts = summarise_judged(judged)
            assert counts == summarise_contract(contract, readable, today)
            mine = compare(contract, today, readable=readable, counts=counts, judged=judged)
            theirs = compare(contract, today, readable=readable)
            assert _seen(mine) == _seen(theirs)
            differences += sum(c.differs for c in mine)
            behind += sum(len(c.behind) for c in mine)
    # The seed's packs hold differences, with readings behind them, to compare.
    assert differences and behind


def _card(card) -> list[tuple]:
    return [(r.area.pk, r.cells, r.year) for r in card.rows]


@pytest.mark.parametrize("today", DAYS, ids=str)
@pytest.mark.parametrize("sight", [PUBLIC, Sight(frozenset(STATES))], ids=["public", "all"])
def test_the_scorecard_counts_from_its_grid_as_the_query_does(seed, today, sight):
    """Every two quarters running, with each financial year held beside them, whether or not
    its quarters are among those shown."""
    cards = 0
    for contract in seed.values():
        periods = list(ReportingPeriod.objects.for_contract(contract))
        years = {p.financial_year for p in periods}
        for shown in pairwise(periods):
            rows = build_grid(
                Kpi.objects.for_contract(contract).in_report_order(),
                shown,
                today,
                sight=sight,
                contract=contract,
            )
            for financial_year in years:
                year = year_of(periods, financial_year)
                mine = scorecard(contract, shown, today, sight=sight, year=year, rows=rows)
                theirs = scorecard(contract, shown, today, sight=sight, year=year)
                assert _card(mine) == _card(theirs)
                cards += any(r.year.measured for r in mine.rows)
    assert cards
