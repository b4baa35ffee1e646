"""The months beneath a monthly KPI's approved quarter, served with the quarter's reading: each
judged by the rule in force for the quarter, never before the quarter is approved."""

import datetime
from decimal import Decimal

import pytest

from kpis.choices import Frequency, ReturnState
from kpis.models import Kpi, MonthlyFigure, QuarterlyReturn, Reading, ReportingPeriod, Suspension
from kpis.rules import rollup
from tests.kpis.monthly import add_monthly_kpis, enter_months_across_thresholds

QUARTER = "2019-12-31"


def _approve(quarterly_return) -> None:
    quarterly_return.state = ReturnState.APPROVED
    quarterly_return.save()


def _reading(api, reference: str, quarter: str = QUARTER) -> dict:
    found = api.get(f"/api/v1/readings/?kpi={reference}&quarter={quarter}").json()["results"]
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def api(client_for, committee_member):
    return client_for(committee_member)


@pytest.fixture
def entered(seed, officer):
    add_monthly_kpis(seed["ICT"])
    return enter_months_across_thresholds(officer, seed["ICT"])


def test_it_serves_each_month_judged_on_both_sides_of_a_threshold(api, entered):
    _approve(entered)
    calls = _reading(api, "CALLS")
    # 266 of 300 calls: the quarter is below its target of 90.
    assert (calls["value"], calls["status"]) == (88.6667, "below_target")
    assert calls["entered_for_quarter"] is False
    assert calls["months"] == [
        {
            "month_end": "2019-10-31",
            "value": 90.0,
            "not_measured_reason": "",
            "numerator": 90.0,
            "denominator": 100.0,
            "status": "met",
            "would_have_been": None,
        },
        {
            "month_end": "2019-11-30",
            "value": 89.0,
            "not_measured_reason": "",
            "numerator": 89.0,
            "denominator": 100.0,
            "status": "below_target",
            "would_have_been": None,
        },
        {
            "month_end": "2019-12-31",
            "value": 87.0,
            "not_measured_reason": "",
            "numerator": 87.0,
            "denominator": 100.0,
            "status": "detriment",
            "would_have_been": None,
        },
    ]


def test_it_never_serves_a_draft_quarter_or_its_months(api, entered):
    assert api.get(f"/api/v1/readings/?kpi=CALLS&quarter={QUARTER}").json()["count"] == 0
    entered.state = ReturnState.SUBMITTED
    entered.save()
    assert api.get(f"/api/v1/readings/?contract=ICT&quarter={QUARTER}").json()["count"] == 0
    assert not any(r["months"] for r in _all(api, "/api/v1/readings/?contract=ICT"))


def test_it_flags_a_quarter_entered_alone(api, entered):
    _approve(entered)
    waste = _reading(api, "WASTE")
    assert (waste["value"], waste["months"], waste["entered_for_quarter"]) == (250.0, [], True)


def test_it_serves_a_quarterly_kpi_without_months(api, seed):
    quarterly = Kpi.objects.filter(frequency=Frequency.QUARTERLY).first()
    readings = _all(api, f"/api/v1/readings/?kpi={quarterly.reference}")
    assert readings
    assert all(r["months"] == [] and r["entered_for_quarter"] is False for r in readings)


def test_it_judges_the_months_of_a_suspended_quarter_as_suspended(api, entered):
    calls = Kpi.objects.get(reference="CALLS")
    Suspension.objects.create(
        kpi=calls, first_quarter=datetime.date(2019, 12, 31), reason="New telephone system."
    )
    _approve(entered)
    months = _reading(api, "CALLS")["months"]
    assert [(m["status"], m["would_have_been"]) for m in months] == [
        ("suspended", "met"),
        ("suspended", "below_target"),
        ("suspended", "detriment"),
    ]


def test_it_judges_the_months_by_the_quarters_own_target(api, entered):
    # The quarter's own target of 89: October and November meet it, December is a detriment.
    Reading.objects.filter(kpi__reference="CALLS").update(target_override=Decimal(89))
    _approve(entered)
    months = _reading(api, "CALLS")["months"]
    assert [m["status"] for m in months] == ["met", "met", "detriment"]


def _all(api, url: str) -> list[dict]:
    rows = []
    while url:
        page = api.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


def _add_monthly_quarters(contract, kpis, quarters: int) -> None:
    """`quarters` more approved quarters of `kpis`, each with its three months."""
    for i in range(quarters):
        period = ReportingPeriod.objects.for_date(datetime.date(2021 + i, 6, 30))
        QuarterlyReturn.objects.create(contract=contract, period=period, state=ReturnState.APPROVED)
        for kpi in kpis:
            reading = Reading.objects.create(kpi=kpi, period=period, value=Decimal(91))
            MonthlyFigure.objects.bulk_create(
                MonthlyFigure(reading=reading, month_end=end, value=Decimal(91))
                for end in rollup.quarter_months(period.end_date)
            )


def test_it_reads_the_months_in_the_same_queries_for_one_or_many_quarters(
    api, seed, django_assert_num_queries
):
    kpis = list(add_monthly_kpis(seed["ICT"]).values())
    Suspension.objects.create(
        kpi=kpis[0], first_quarter=datetime.date(2022, 6, 30), reason="New telephone system."
    )
    url = "/api/v1/readings/?contract=ICT&page_size=1000"
    _add_monthly_quarters(seed["ICT"], kpis[:1], 1)
    api.get(url)  # the token is created on first use
    # token, count, page, then the months, suspensions and rule changes, and the approved readings
    # the page's readings are compared with for their direction of travel
    with django_assert_num_queries(7):
        one = api.get(url).json()
    assert sum(len(r["months"]) for r in one["results"]) == 3
    Reading.objects.filter(kpi__in=kpis).delete()
    QuarterlyReturn.objects.filter(period__end_date__year__gte=2021).delete()
    _add_monthly_quarters(seed["ICT"], kpis, 4)
    with django_assert_num_queries(7):
        many = api.get(url).json()
    months = [m for r in many["results"] for m in r["months"]]
    assert len(months) == 24
    assert {m["status"] for m in months} == {"met", "suspended"}
