"""Table 4.3 as published beside the counts computed, in the committee's reading order."""

import datetime

from contracts.models import ServiceArea
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.reported import compare

TODAY = datetime.date(2020, 6, 1)
AREAS = ["STS", "BS", "CS", "BTSI", "FSS", "PROC"]  # the report's order


def _order(contract) -> list[tuple[str, str]]:
    readable = list(ReportingPeriod.objects.for_contract(contract))
    return [(c.period.label, c.area.code) for c in compare(contract, TODAY, readable=readable)]


def test_it_lists_the_published_counts_quarter_by_quarter_in_area_order(seed):
    # Table 4.3 prints Jun-18, Sep-18 and Mar-19, each with the six areas in the report's order.
    assert _order(seed["PSSP"]) == [
        (quarter, area) for quarter in ("Jun-18", "Sep-18", "Mar-19") for area in AREAS
    ]


def test_it_orders_areas_in_the_same_place_by_code(seed):
    sts = ServiceArea.objects.get(contract=seed["PSSP"], code="STS")
    ServiceArea.objects.filter(contract=seed["PSSP"], code="PROC").update(position=sts.position)
    # PROC now shares STS's place, first, and comes before it by code.
    jun = [area for quarter, area in _order(seed["PSSP"]) if quarter == "Jun-18"]
    assert jun == ["PROC", "STS", "BS", "CS", "BTSI", "FSS"]


def _comparison(contract, quarter: str, area: str, today=TODAY):
    readable = list(ReportingPeriod.objects.for_contract(contract))
    return next(
        c
        for c in compare(contract, today, readable=readable)
        if (c.period.label, c.area.code) == (quarter, area)
    )


def test_it_lists_the_readings_behind_a_count_in_kpi_order(seed):
    # Mar-19 STS: R&B-K-009 (6.50 against 14) and R&B-K-009b (45.93 against 63) are below
    # target. Placed before R&B-K-009, R&B-K-009b is listed first.
    Kpi.objects.filter(contract=seed["PSSP"], reference="R&B-K-009b").update(position=0)
    behind = _comparison(seed["PSSP"], "Mar-19", "STS").behind
    assert [r.kpi.reference for r in behind] == ["R&B-K-009b", "R&B-K-009"]


def test_it_counts_as_of_the_day_asked(seed):
    # PAY-K-001, Business Support's one measured KPI, without its Mar-19 figure: on 1 March 2019
    # the quarter is not over, so it is not due yet; a year on, it is missing.
    Reading.objects.filter(kpi__reference="PAY-K-001", period__end_date="2019-03-31").update(
        value=None
    )
    early = _comparison(seed["PSSP"], "Mar-19", "BS", today=datetime.date(2019, 3, 1))
    late = _comparison(seed["PSSP"], "Mar-19", "BS")
    before, after = early.computed, late.computed
    # BS-K-002 is suspended either way.
    assert (before.measured, before.not_due, before.missing, before.suspended) == (0, 1, 0, 1)
    assert (after.measured, after.not_due, after.missing, after.suspended) == (0, 0, 1, 1)
    # The same day judges the readings listed behind the count.
    assert [(r.kpi.reference, r.status) for r in early.behind] == [
        ("PAY-K-001", "not_due"),
        ("BS-K-002", "suspended"),
    ]
    assert [(r.kpi.reference, r.status) for r in late.behind] == [
        ("PAY-K-001", "missing"),
        ("BS-K-002", "suspended"),
    ]
