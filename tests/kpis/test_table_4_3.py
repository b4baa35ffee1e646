"""Table 4.3 of the seed report: the committee's summary, computed and as published."""

import pytest

from kpis.models import PublishedSummary, Reading, ReportingPeriod
from kpis.reads.summary import summarise

# (measured, met) computed from Appendix B, for the three quarters table 4.3 prints.
COMPUTED = {
    "STS": [(9, 8), (9, 8), (9, 7)],
    "BS": [(1, 1), (1, 1), (1, 1)],
    "CS": [(1, 1), (2, 2), (1, 1)],
    "BTSI": [(1, 1), (1, 1), (1, 1)],
    "FSS": [(1, 1), (1, 1), (1, 1)],
    "PROC": [(5, 5), (5, 5), (5, 5)],
}
TABLE_QUARTERS = ["2018-06-30", "2018-09-30", "2019-03-31"]


@pytest.fixture
def pssp_summary(seed):
    periods = list(ReportingPeriod.objects.filter(end_date__in=TABLE_QUARTERS))
    counts = summarise(Reading.objects.for_contract(seed["PSSP"]), periods)
    areas = {a.pk: a.code for a in seed["PSSP"].service_areas.all()}
    ends = {p.pk: p.end_date.isoformat() for p in periods}
    return {(areas[a], ends[p]): c for (a, p), c in counts.items()}


def test_it_computes_table_4_3_area_by_area(pssp_summary):
    computed = {
        area: [(pssp_summary[area, q].measured, pssp_summary[area, q].met) for q in TABLE_QUARTERS]
        for area in COMPUTED
    }
    assert computed == COMPUTED


def test_it_agrees_with_the_published_table_except_for_shared_transactional_services(
    pssp_summary,
):
    published = {
        (p.service_area.code, p.period.end_date.isoformat()): (p.measured, p.met)
        for p in PublishedSummary.objects.select_related("service_area", "period")
    }
    assert len(published) == 18
    differences = {
        key: (published[key], (pssp_summary[key].measured, pssp_summary[key].met))
        for key in published
        if published[key] != (pssp_summary[key].measured, pssp_summary[key].met)
    }
    assert differences == {
        ("STS", "2018-06-30"): ((9, 9), (9, 8)),
        ("STS", "2018-09-30"): ((9, 9), (9, 8)),
        ("STS", "2019-03-31"): ((9, 9), (9, 7)),
    }


def test_it_counts_suspended_and_unmeasured_kpis_apart(pssp_summary):
    cs = pssp_summary["CS", "2018-06-30"]
    assert (cs.suspended, cs.not_measured, cs.measured) == (1, 1, 1)
    assert pssp_summary["FSS", "2018-06-30"].not_measured == 1
    assert pssp_summary["BS", "2018-06-30"].suspended == 1


def test_it_counts_in_one_query_however_many_quarters(seed, django_assert_num_queries):
    readings = Reading.objects.for_contract(seed["ICT"])
    few = list(ReportingPeriod.objects.all()[:2])
    many = list(ReportingPeriod.objects.all())
    with django_assert_num_queries(1):
        summarise(readings, few)
    with django_assert_num_queries(1):
        counts = summarise(readings, many)
    assert sum(c.missing for c in counts.values()) == 12  # KPIs 5 and 6, never printed
