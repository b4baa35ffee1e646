"""Reported against computed from every reading read once with its status (`judged`), held
against the queries it replaced (counts, the readings behind them, the suspended KPIs)."""

import datetime
from decimal import Decimal

import pytest

from kpis.models import Kpi, Reading, ReportingPeriod, RuleChange
from kpis.reads import together
from kpis.reads.reported import compare, judged, suspended_kpis

DAYS = [datetime.date(2019, 3, 1), datetime.date(2019, 9, 1), datetime.date(2020, 6, 1)]


def _comparisons(comparisons) -> list:
    return [
        (
            c.period.pk,
            c.area.pk,
            c.published.pk,
            c.computed,
            c.differs,
            [
                (
                    r.pk,
                    r.kpi.reference,
                    r.kpi.contract.code,
                    r.value,
                    r.figure_unit.pk,
                    r.rule_target,
                    r.status,
                    r.would_have_been,
                )
                for r in c.behind
            ],
        )
        for c in comparisons
    ]


def _suspended(suspended) -> list:
    return [(s.kpi.pk, s.kpi.contract.code, s.quarters, s.would_have_been) for s in suspended]


def _both_ways(contract, today, readable) -> tuple:
    old = (
        _comparisons(compare(contract, today, readable=readable)),
        _suspended(suspended_kpis(contract, today, readable=readable)),
    )
    together.preload(contract)
    readings = judged(contract, today, readable=readable)
    new = (
        _comparisons(compare(contract, today, readable=readable, readings=readings)),
        _suspended(suspended_kpis(contract, today, readable=readable, readings=readings)),
    )
    return old, new


@pytest.mark.parametrize("today", DAYS)
def test_it_gives_what_the_queries_gave_for_every_seed_contract(seed, today):
    for contract in seed.values():
        readable = list(ReportingPeriod.objects.for_contract(contract))
        old, new = _both_ways(contract, today, readable)
        assert new == old


def test_it_gives_what_the_queries_gave_for_some_quarters_only(seed):
    contract = seed["PSSP"]
    readable = [p for p in ReportingPeriod.objects.for_contract(contract) if p.label != "Sep-18"]
    old, new = _both_ways(contract, datetime.date(2020, 6, 1), readable)
    assert new == old


def test_it_judges_by_the_rule_of_the_quarter_and_its_own_target(seed):
    contract = seed["PSSP"]
    # R&B-K-009, 6.50 against 14 in Mar-19: a laxer target before a change in 2019, and a
    # quarter's own target on CS-K-002 (below its 83), must both be the ones shown.
    kpi = Kpi.objects.get(contract=contract, reference="R&B-K-009")
    RuleChange.objects.create(
        kpi=kpi,
        effective_from=datetime.date(2019, 4, 1),
        previous_target=Decimal(5),
        previous_detriment=Decimal(3),
        reason="Renegotiated",
    )
    Kpi.objects.filter(pk=kpi.pk).update(rule_changed=True)
    Reading.objects.filter(
        kpi__contract=contract, kpi__reference="CS-K-002", period__end_date="2018-06-30"
    ).update(target_override=Decimal(99))
    readable = list(ReportingPeriod.objects.for_contract(contract))
    old, new = _both_ways(contract, datetime.date(2020, 6, 1), readable)
    assert new == old
    labels = {p.pk: p.label for p in readable}
    listed = {(labels[c[0]], row[1]): row[5] for c in new[0] for row in c[5]}
    # Met against the earlier target of 5 in Mar-19; behind the count, against 5, before.
    assert ("Mar-19", "R&B-K-009") not in listed
    assert listed["Jun-18", "R&B-K-009"] == 5
    assert listed["Jun-18", "CS-K-002"] == 99


def test_it_reads_the_kpis_and_their_readings_in_two_queries(seed, django_assert_num_queries):
    contract = seed["PSSP"]
    readable = list(ReportingPeriod.objects.for_contract(contract))
    together.preload(contract)
    with django_assert_num_queries(2):
        readings = judged(contract, datetime.date(2020, 6, 1), readable=readable)
        compare(contract, datetime.date(2020, 6, 1), readable=readable, readings=readings)
        suspended_kpis(contract, datetime.date(2020, 6, 1), readable=readable, readings=readings)
