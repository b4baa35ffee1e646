"""Table 4.3 as published beside the counts computed, in the committee's reading order."""

import datetime

from contracts.models import ServiceArea
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.reads.reported import compare, suspended_kpis
from kpis.reads.summary import Counts

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


def test_it_computes_nothing_for_a_quarter_the_reader_does_not_see(seed):
    # Sep-18 left out of the quarters the reader sees: its published counts stay, with no
    # computed ones beside them and no difference claimed.
    readable = [
        p for p in ReportingPeriod.objects.for_contract(seed["PSSP"]) if p.label != "Sep-18"
    ]
    by_cell = {
        (c.period.label, c.area.code): c for c in compare(seed["PSSP"], TODAY, readable=readable)
    }
    assert len(by_cell) == 18
    assert by_cell["Sep-18", "STS"].computed is None
    assert by_cell["Sep-18", "STS"].differs is False
    assert (by_cell["Jun-18", "STS"].computed.measured, by_cell["Jun-18", "STS"].computed.met) == (
        9,
        8,
    )


def test_it_counts_zero_where_an_area_has_no_readings(seed):
    # BT-K-002, Business Transformation's one KPI, without its Jun-18 reading: table 4.3 still
    # prints 1 of 1, and the figures now give 0 of 0, with nothing behind the count.
    Reading.objects.filter(kpi__reference="BT-K-002", period__end_date="2018-06-30").delete()
    btsi = _comparison(seed["PSSP"], "Jun-18", "BTSI")
    assert btsi.computed == Counts()
    assert btsi.differs is True
    assert btsi.behind == []


def test_it_lists_nothing_behind_a_count_where_every_kpi_met(seed):
    # Procurement, Jun-18: five KPIs at 100 against 100.
    assert _comparison(seed["PSSP"], "Jun-18", "PROC").behind == []


def test_it_says_what_a_suspended_kpi_would_have_been_as_of_the_day_asked(seed):
    readable = list(ReportingPeriod.objects.for_contract(seed["PSSP"]))
    on_1_september_2019 = {
        s.kpi.reference: s.would_have_been
        for s in suspended_kpis(seed["PSSP"], datetime.date(2019, 9, 1), readable=readable)
    }
    # BS-K-002: 92.86 below 97 in Jun-18, then no figure: missing where the quarter is over,
    # not due in Sep-19, which is not. CS-K-002's six figures are all below target.
    assert on_1_september_2019 == {
        "BS-K-002": [("below_target", 1), ("not_due", 1), ("missing", 4)],
        "CS-K-002": [("below_target", 6)],
    }
