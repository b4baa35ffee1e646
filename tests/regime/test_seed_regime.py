"""The seed contracts reproduce what the report says of failures, relief and credits."""

import datetime
from decimal import Decimal

import pytest

from kpis.models import Kpi, ReportingPeriod
from kpis.reads import contract_tables
from regime.ledger import regime_for
from regime.models import CreditScheme, KpiWeight, RegimeSettings

MAR_19 = datetime.date(2019, 3, 31)
TODAY = datetime.date(2020, 6, 1)


def _refs(rows) -> list[str]:
    return [row.kpi.reference for row in rows]


def test_the_partnership_has_no_service_failure_and_no_credit_in_2018_19(seed):
    regime = regime_for(seed["PSSP"])
    year = regime.year(2018)
    assert len(year.quarters) == 4
    assert (year.failures, year.due, year.applied_amount) == (0, Decimal(0), None)


def test_ict_s_march_misses_are_relieved_as_the_report_says(seed):
    march = regime_for(seed["ICT"]).quarter(MAR_19)
    # KPIs 1, 2 and 3 reached detriment and 8 (no thresholds) was below target: none reached
    # the failure threshold, so by default none is a service failure, but each carries relief.
    assert _refs(march.reliefs) == ["1", "2", "3", "8"]
    assert "PCC agreed to mitigate" in march.reliefs[0].reason
    assert march.failures == []


def test_ict_s_one_failure_at_the_failure_threshold_is_kpi_11_in_june_2019(seed):
    regime = regime_for(seed["ICT"])
    assert [(f.kpi.reference, f.period.end_date) for f in regime.failures] == [
        ("11", datetime.date(2019, 6, 30))
    ]
    # No credit scheme is held for ICT: the credit due cannot be worked out, and says so.
    june = regime.quarter(datetime.date(2019, 6, 30))
    assert june.due is None
    assert june.credit.problem == "No credit scheme is in force."


def test_counting_detriment_makes_march_a_relieved_failure_that_earns_no_credit(seed):
    RegimeSettings.objects.create(contract=seed["ICT"], detriment_in_year=2)
    CreditScheme.objects.create(
        contract=seed["ICT"], effective_from=datetime.date(2018, 6, 30), amount=Decimal(1000)
    )
    regime = regime_for(seed["ICT"])
    march = regime.quarter(MAR_19)
    # KPI 1 was at detriment in Sep-18 and again in Mar-19: two within four quarters.
    [failure] = march.failures
    assert (failure.kpi.reference, failure.reason) == ("1", "detriment")
    assert [p.end_date for p in failure.periods] == [datetime.date(2018, 9, 30), MAR_19]
    assert failure.relief is not None
    assert march.due == Decimal(0)
    assert regime.quarter(datetime.date(2019, 6, 30)).due == Decimal(1000)


def test_kpi_8_is_a_persistent_failure_by_march_2019(seed):
    march = regime_for(seed["ICT"]).quarter(MAR_19)
    [escalation] = [e for e in march.escalations if e.kpi.reference == "8"]
    assert escalation.kind == "misses"
    assert [p.label for p in escalation.periods] == ["Sep-18", "Dec-18", "Mar-19"]


def _failure(f) -> tuple:
    relief = f.relief.pk if f.relief else None
    month = f.month.pk if f.month else None
    shown = (f.reading.pk, f.reading.value, f.reading.figure_unit.pk)
    return (f.kpi.pk, f.reason, f.weight, relief, month, shown)


def _ledger(regime) -> list[tuple]:
    return [
        (
            q.period.pk,
            [_failure(f) for f in q.failures],
            [(e.kpi.pk, e.kind, e.count) for e in q.escalations],
            [r.pk for r in q.reliefs],
            q.due,
        )
        for q in regime.quarters
    ]


@pytest.mark.parametrize("by_month", [False, True], ids=["by-quarter", "by-month"])
def test_it_reads_the_same_with_the_page_s_kpis_and_quarters_in_hand(seed, by_month):
    """As the scorecard and the pack ask for it (their grid's KPIs, with units, suspensions and
    changes of rule, and the contract's quarters), and as the regime's page does (nothing)."""
    failures = 0
    for contract in seed.values():
        RegimeSettings.objects.create(
            contract=contract, detriment_in_year=2, credits_by_month=by_month
        )
        kpis = list(Kpi.objects.for_contract(contract).select_related("unit"))
        # A weight of its own for each failing KPI, so that the weights are read.
        for failure in regime_for(contract, TODAY).failures:
            KpiWeight.objects.get_or_create(kpi=failure.kpi, defaults={"weight": Decimal("2.5")})
        contract_tables.attach_to_kpis(contract, kpis)
        periods = list(ReportingPeriod.objects.for_contract(contract))
        alone = regime_for(contract, TODAY)
        in_hand = regime_for(contract, TODAY, periods=periods, kpis=kpis)
        assert _ledger(in_hand) == _ledger(alone)
        failures += sum(f.weight == Decimal("2.5") for f in alone.failures)
    assert failures
