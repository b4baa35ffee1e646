"""The KPI page's chart shows a monthly KPI's months: a small point for each at its place in its
quarter, its status as a symbol and in words, read with the page's one query for the months and
only for quarters the reader may see; a quarterly KPI's chart is as it was."""

import re
from decimal import Decimal

import pytest

from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads.charts import describe, trend_svg
from kpis.reads.grid import add_month_figures, build_grid
from kpis.rules import rollup
from tests.kpis.months_shown import approve, save_months


def _cells(contract, reference: str):
    periods = list(ReportingPeriod.objects.for_contract(contract))
    rows = build_grid(
        Kpi.objects.filter(contract=contract, reference=reference), periods, None, sight=PUBLIC
    )
    return rows[0].cells


def _month_groups(svg: str) -> list[str]:
    return re.findall(r'<g class="app-chart-month">(.*?)</g>', svg)


@pytest.fixture
def approved(officer, seed):
    approve(save_months(officer, seed["ICT"]))
    return seed["ICT"]


def test_it_draws_each_month_as_a_small_point_with_its_status_symbol(approved):
    cells = _cells(approved, "WASTE")
    add_month_figures(cells)
    svg = trend_svg(cells)
    months = _month_groups(svg)
    assert len(months) == 3
    october, november, december = months
    # A point where there is a figure, with the symbol the tables use for its status above it.
    assert "<title>October 2019: 100 tonnes, met</title>" in october
    assert re.search(r'<circle [^>]*r="3" fill="#0b0c0c"', october)
    assert ">✓</text>" in october
    assert "<title>December 2019: 250 tonnes, met</title>" in december
    # No figure: no point, only the symbol, below the axis.
    assert "<circle" not in november
    assert ">○</text>" in november
    assert "no figure (Weighbridge broken), not measured" in november
    # The months' key says what each symbol shown means, in words.
    assert "Month, with its status: ✓ met, ○ not measured" in svg
    # The key's line makes the chart taller than a quarterly KPI's.
    assert 'height="342"' in svg


def test_the_months_sit_in_their_quarter_in_order_and_the_quarter_point_stays(approved):
    cells = _cells(approved, "WASTE")
    add_month_figures(cells)
    svg = trend_svg(cells)
    xs = [float(x) for x in re.findall(r'<g class="app-chart-month">.*?x="([\d.]+)"', svg)]
    # The key's points are at whole numbers; the figures' are placed to a tenth.
    quarter = re.findall(r'<circle cx="(\d+\.\d)" cy="([\d.]+)" r="6" fill="#1d70b8"', svg)
    # One rolled-up quarter point, drawn as before, with the middle month beneath it.
    assert len(quarter) == 1
    centre = float(quarter[0][0])
    assert xs[0] < xs[1] == centre < xs[2]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    # The quarter's 350 tonnes above its months' 100 and 250 (higher figures are drawn higher).
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="3"', svg)]
    assert float(quarter[0][1]) < min(ys)


def test_a_suspended_month_is_hollow_and_says_what_it_would_have_been(approved):
    kpi = Kpi.objects.get(contract=approved, reference="WASTE")
    kpi.suspensions.create(first_quarter=rollup.month_end(2019, 12), reason="Weighbridge works")
    cells = _cells(approved, "WASTE")
    add_month_figures(cells)
    svg = trend_svg(cells)
    assert re.search(r'<circle [^>]*r="3" fill="#ffffff"', svg)
    assert "‖" in svg
    assert "October 2019: 100 tonnes, suspended (would have been met)" in describe(cells)


def test_the_chart_in_words_lists_every_month_with_its_status(approved):
    cells = _cells(approved, "CALLS")
    add_month_figures(cells)
    words = describe(cells)
    assert "recomputed from the months' parts" in words
    assert (
        "Dec-19: 90%, target ≥ 90%, Met. Months: "
        "October 2019: 95% (95 calls answered of 100 calls offered), met; "
        "November 2019: 85% (85 calls answered of 100 calls offered), detriment; "
        "December 2019: not entered."
    ) in words
    svg = trend_svg(cells)
    assert "Month, with its status: ✓ met, ⚠ detriment" in svg
    # The SVG's own text alternative is the same words.
    assert "December 2019: not entered" in svg


@pytest.mark.parametrize(
    ("code", "reference"),
    [("PSSP", "PRO-K-002"), ("ICT", "1")],
    ids=["quarterly", "monthly-without-months"],
)
def test_a_chart_without_months_is_as_it_was(seed, code, reference):
    # PRO-K-002 is quarterly; ICT's KPI 1 is monthly, its quarters entered alone, as published.
    cells = _cells(seed[code], reference)
    before, words = trend_svg(cells), describe(cells)
    add_month_figures(cells)
    assert trend_svg(cells) == before
    assert describe(cells) == words
    assert "app-chart-month" not in before
    assert 'height="320"' in before


def test_the_kpi_page_shows_a_drafts_months_only_to_those_who_see_the_draft(
    client, officer, committee_member, seed
):
    quarterly_return = save_months(officer, seed["ICT"])
    url = Kpi.objects.get(contract=seed["ICT"], reference="WASTE").get_absolute_url()
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert "app-chart-month" not in page
    assert "October 2019" not in page
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert len(_month_groups(page)) == 3
    assert "Each month held is a small dark point within its quarter" in page
    assert "October 2019: 100 tonnes, met" in page
    approve(quarterly_return)
    client.force_login(committee_member)
    page = client.get(url).content.decode()
    assert len(_month_groups(page)) == 3
    # The chart in words, under the chart, lists the months too.
    details = page[page.index("The chart in words") :]
    assert "November 2019: no figure (Weighbridge broken), not measured" in details


def _more_quarters_with_months(kpi: Kpi, n: int) -> None:
    """Months beneath `n` more of the contract's approved quarters."""
    periods = list(ReportingPeriod.objects.for_contract(kpi.contract))[:n]
    for quarter in periods:
        reading = Reading.objects.create(
            kpi=kpi, period=quarter, value=Decimal(30), unit_id=kpi.unit_id
        )
        MonthlyFigure.objects.bulk_create(
            MonthlyFigure(reading=reading, month_end=end, value=Decimal(10))
            for end in rollup.quarter_months(quarter.end_date)
        )


@pytest.mark.parametrize("more", [0, 4])
def test_the_kpi_page_with_months_on_its_chart_takes_a_fixed_number_of_queries(
    client, committee_member, approved, more, django_assert_num_queries
):
    kpi = Kpi.objects.get(contract=approved, reference="WASTE")
    _more_quarters_with_months(kpi, more)
    client.force_login(committee_member)
    # As tests/kpis/test_views_queries.py pins a monthly KPI's page: the months once, for the
    # readings' table and the chart alike; and the committee's questions and the rectification
    # plans still open about the KPI, and the files of evidence behind its figures, one query each.
    with django_assert_num_queries(11):
        page = client.get(kpi.get_absolute_url()).content.decode()
    assert len(_month_groups(page)) == 3 * (more + 1)
