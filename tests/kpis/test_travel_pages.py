"""The direction of travel where it is shown: the KPI table and its downloads, the KPI page, the
committee pack and its PDF, the readings download and the API, on the seed data."""

import csv
import datetime
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, ReportingPeriod, RuleChange
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads.grid import build_grid
from kpis.rules.travel import Travel
from tests.kpis.growth import grow

TODAY = datetime.date(2020, 1, 15)

# Four quarters across the turn of the financial year.
ACROSS_YEARS = ["2018-12-31", "2019-03-31", "2019-06-30", "2019-09-30"]


def _words(html: str) -> str:
    """The page's text, as read: tags taken out, characters unescaped."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def _kpi(seed, code: str, reference: str) -> Kpi:
    return Kpi.objects.get(contract=seed[code], reference=reference)


def _cells(seed, code: str, reference: str, sight=PUBLIC) -> dict:
    """The KPI's cells in every quarter held, by quarter label."""
    contract = seed[code]
    held = list(ReportingPeriod.objects.for_contract(contract))
    kpis = Kpi.objects.filter(contract=contract, reference=reference)
    (row,) = build_grid(kpis, held, TODAY, sight=sight, held_periods=held)
    return {cell.period.label: cell for cell in row.cells}


def _to_draft(seed, code: str, end: str) -> None:
    QuarterlyReturn.objects.filter(contract=seed[code], period__end_date=end).update(
        state=ReturnState.DRAFT
    )


def _new_target(seed, reference: str, target: int, end: str) -> None:
    """A new target for a PSSP KPI from the quarter ending `end`, the earlier one kept before it."""
    kpi = _kpi(seed, "PSSP", reference)
    RuleChange.objects.create(
        kpi=kpi,
        effective_from=datetime.date.fromisoformat(end),
        previous_target=kpi.target,
        reason="The council raised the bar.",
    )
    Kpi.objects.filter(pk=kpi.pk).update(target=Decimal(target), rule_changed=True)


def test_the_grid_compares_lower_is_better_across_the_year_boundary(seed):
    # ICT KPI 1, severity 1 incidents missed (fewer is better): 0, 1, 0, 1, 0, 0.
    cells = _cells(seed, "ICT", "1")
    jun = cells["Jun-19"]
    assert jun.travel_previous.travel == Travel.IMPROVING
    assert jun.travel_previous.text == "Improving since Mar-19"  # Q1 against last year's Q4
    assert jun.travel_year.text == "No change since Jun-18"
    assert cells["Mar-19"].travel_previous.text == "Worsening since Dec-18"
    assert cells["Sep-19"].travel_year.text == "Improving since Sep-18"
    # The first quarter held has nothing before it.
    assert cells["Jun-18"].travel_previous.travel == Travel.NOT_COMPARABLE
    assert cells["Jun-18"].travel_previous.note == "No figure in Mar-18: no return is held."


def test_the_grid_compares_an_annual_kpi_with_the_year_end_before(seed):
    # R&B-K-011, days to process a claim, annual, lower is better: 16 every quarter but Mar-19's
    # 6.02. Sep-19 is compared with Mar-19, the year end, not with Jun-19.
    cells = _cells(seed, "PSSP", "R&B-K-011")
    assert cells["Sep-19"].travel_previous.text == "Worsening since Mar-19"
    assert cells["Sep-19"].travel_year.text == "No change since Sep-18"
    assert cells["Mar-19"].travel_previous.note == "No figure in Mar-18: no return is held."


def test_the_grid_notes_a_change_of_unit_and_a_suspension(seed):
    ict_15 = _cells(seed, "ICT", "15")
    assert ict_15["Mar-19"].travel_previous.travel == Travel.NOT_COMPARABLE
    assert ict_15["Mar-19"].travel_previous.note == (
        "Reported in number of failures in Dec-18, percentage in Mar-19."
    )
    # BS-K-002 is suspended from Dec-18: its figures do not count.
    suspended = _cells(seed, "PSSP", "BS-K-002")["Sep-19"].travel_previous
    assert suspended.travel == Travel.NOT_COMPARABLE
    assert "suspended" in suspended.note


def test_the_grid_notes_a_change_of_target(seed):
    _new_target(seed, "CS-K-006", 90, "2019-09-30")
    cells = _cells(seed, "PSSP", "CS-K-006")  # 93% in Jun-19, 95% in Sep-19
    assert cells["Sep-19"].travel_previous.text == "Improving since Jun-19"
    assert cells["Sep-19"].travel_previous.note == "Target changed from ≥ 85% to ≥ 90%."
    assert cells["Jun-19"].travel_previous.note == ""


def test_a_draft_quarter_never_feeds_a_committee_members_direction(
    client, seed, officer, committee_member
):
    _to_draft(seed, "PSSP", "2019-06-30")
    contract = seed["PSSP"]
    # Those working on the contract compare with the draft, and are told it is one.
    working = _cells(seed, "PSSP", "CS-K-006", Sight.of(officer, contract))["Sep-19"]
    assert working.travel_previous.text == "Improving since Jun-19"
    assert working.travel_previous.note == "Jun-19's figures are not yet approved."
    # The committee is not.
    for sight in (Sight.of(committee_member, contract), PUBLIC):
        cells = _cells(seed, "PSSP", "CS-K-006", sight)
        assert cells["Sep-19"].travel_previous.travel == Travel.NOT_COMPARABLE
        assert cells["Sep-19"].travel_previous.note == "No figure in Jun-19: not yet approved."
        # The draft quarter's own cell says nothing of its figures, nor of their direction.
        assert cells["Jun-19"].travel_previous is None
        assert cells["Jun-19"].travel_year is None
    # Nor do the pages the committee reads.
    url = _kpi(seed, "PSSP", "CS-K-006").get_absolute_url()
    client.force_login(committee_member)
    kpi_page = _words(client.get(url).content.decode())
    table = _words(client.get("/contracts/PSSP/kpis/?quarter=2019-09-30").content.decode())
    for page in (kpi_page, table):
        assert "since Jun-19" not in page
        assert "Not comparable with Jun-19" in page
    client.force_login(officer)
    kpi_page = _words(client.get(url).content.decode())
    assert "Improving since Jun-19Jun-19's figures are not yet approved." in kpi_page


def test_the_kpi_table_shows_it_in_words_and_a_symbol(client, committee_member, seed):
    client.force_login(committee_member)
    page = client.get("/contracts/ICT/kpis/", {"quarter": ACROSS_YEARS}).content.decode()
    words = _words(page)
    assert "↗ Improving since Mar-19" in words
    assert "→ No change since Jun-18" in words
    assert "↘ Worsening since Dec-18" in words
    # The symbol is for the eye; the words are read out, and a quarter never breaks at its hyphen.
    assert (
        '<span class="app-travel app-travel--improving"><span aria-hidden="true">↗ </span>'
        'Improving since <span class="app-travel__quarter">Mar-19</span></span>'
    ) in page
    # Why a comparison cannot be made is read out, not only hinted at by the dash.
    assert (
        '<span aria-hidden="true">\u2013 </span>Not comparable with <span class="app-travel__quarter">'
        'Dec-18</span><span class="govuk-visually-hidden">. Reported in number of failures in '
        "Dec-18, percentage in Mar-19.</span>"
    ) in page


def test_the_kpi_table_says_one_line_where_both_comparisons_say_the_same(
    client, committee_member, seed
):
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/kpis/?quarter=2019-09-30").content.decode()
    # FS-K-002 was not measured in Sep-19: one line for both comparisons.
    assert "Not comparable with Jun-19 or Sep-18" in _words(page)


def test_the_kpi_table_downloads_hold_it(client, committee_member, seed):
    client.force_login(committee_member)
    response = client.get("/contracts/ICT/kpis/", {"quarter": ACROSS_YEARS, "_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert "Jun-19 direction since previous quarter" in header
    assert "Jun-19 direction since a year before" in header
    row = next(r for r in rows[1:] if r[0] == "1")
    assert row[header.index("Jun-19 direction since previous quarter")] == (
        "Improving since Mar-19"
    )
    assert row[header.index("Jun-19 direction since a year before")] == "No change since Jun-18"
    fifteen = next(r for r in rows[1:] if r[0] == "15")
    assert fifteen[header.index("Mar-19 direction since previous quarter")] == (
        "Not comparable with Dec-18. Reported in number of failures in Dec-18, percentage in "
        "Mar-19."
    )
    excel = client.get("/contracts/ICT/kpis/?_export=xlsx")
    assert excel.status_code == 200


def test_the_kpi_page_shows_every_quarter_with_its_notes(client, committee_member, seed):
    _new_target(seed, "CS-K-006", 90, "2019-09-30")
    client.force_login(committee_member)
    page = client.get(_kpi(seed, "PSSP", "CS-K-006").get_absolute_url()).content.decode()
    assert '<th scope="col" class="govuk-table__header">Direction of travel</th>' in page
    assert "↗ Improving since Jun-19Target changed from ≥ 85% to ≥ 90%." in _words(page)
    assert '<span class="app-cell-note">Target changed from ≥ 85% to ≥ 90%.</span>' in page
    assert "Improving since Sep-18" in _words(page)
    # On the KPI's own page, why a comparison cannot be made is shown to everyone.
    assert '<span class="app-cell-note">No figure in Mar-18: no return is held.</span>' in page


def test_the_pack_compares_its_first_quarter_with_the_year_before(client, committee_member, seed):
    client.force_login(committee_member)
    # 2019/20 Q1: its year holds Jun-19 alone, compared with 2018/19's Q4.
    page = client.get("/contracts/ICT/pack/2019-06-30/").content.decode()
    assert "Improving since Mar-19" in _words(page)
    assert '<th scope="col" class="govuk-table__header">Direction of travel</th>' in page
    response = client.get("/contracts/ICT/pack/2019-06-30/pdf")
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "↗ Improving since Mar-19" in text
    assert "No change since Jun-18" in text


def test_the_readings_download_holds_it(seed):
    out = io.StringIO()
    call_command("export_readings", contract="ICT", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    by_cell = {(r[2], r[3]): r for r in rows[1:]}
    assert by_cell["1", "2019-06-30"][7:] == ["improving", "", "no_change", ""]
    assert by_cell["15", "2019-03-31"][7:9] == [
        "not_comparable",
        "Reported in number of failures in Dec-18, percentage in Mar-19.",
    ]


def test_the_api_serves_it_for_approved_quarters_only(seed, committee_member, client_for):
    api = client_for(committee_member)
    body = api.get("/api/v1/readings/?contract=ICT&kpi=1&quarter=2019-06-30").json()
    (reading,) = body["results"]
    assert reading["travel_previous"] == {
        "direction": "improving",
        "text": "Improving since Mar-19",
        "symbol": "↗",
        "compared_with": "2019-03-31",
        "note": "",
    }
    assert reading["travel_year"]["direction"] == "no_change"
    assert reading["travel_year"]["compared_with"] == "2018-06-30"
    # One reading on its own says the same.
    one = api.get(f"/api/v1/readings/{reading['id']}/").json()
    assert one["travel_previous"] == reading["travel_previous"]
    # A quarter taken back to draft is compared with by nobody through the API.
    _to_draft(seed, "ICT", "2019-06-30")
    body = api.get("/api/v1/readings/?contract=ICT&kpi=1&quarter=2019-09-30").json()
    (reading,) = body["results"]
    assert reading["travel_previous"]["direction"] == "not_comparable"
    assert reading["travel_previous"]["note"] == "No figure in Jun-19: no approved reading held."


# The KPI table and KPI page read the comparison quarters' readings in the query that reads the
# quarters shown, so their counts stay those of tests/kpis/test_views_queries.py. Here for an
# officer, who sees a draft quarter (and so reads the readings' history on the KPI page, and their
# groups and assignments): one query more on the table, two more on the KPI page.
# The officer's KPI page also reads its open rectification plans, and the files of evidence.
# The table's year to date adds its counts and the service areas.
OFFICER_PAGES = {"/contracts/PSSP/kpis/": 10, "kpi": 12}


@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_it_pins_the_pages_queries_at_two_sizes(
    client, officer, seed, django_assert_num_queries, grown
):
    if grown:
        grow(seed["PSSP"])
    _to_draft(seed, "PSSP", "2019-09-30" if not grown else "2020-03-31")
    client.force_login(officer)
    for name, expected in OFFICER_PAGES.items():
        url = _kpi(seed, "PSSP", "CS-K-006").get_absolute_url() if name == "kpi" else name
        with django_assert_num_queries(expected):
            page = _words(client.get(url).content.decode())
        assert "Improving since" in page or "Worsening since" in page


def test_a_quarter_outside_the_life_span_is_not_comparable(seed):
    Kpi.objects.filter(contract=seed["ICT"], reference="1").update(
        measured_from=datetime.date(2018, 9, 30), retired_after=datetime.date(2019, 6, 30)
    )
    cells = _cells(seed, "ICT", "1")
    assert cells["Dec-18"].travel_previous.text == "Improving since Sep-18"
    assert cells["Sep-18"].travel_previous.note == "No figure in Jun-18: not in force."
    assert cells["Sep-19"].travel_previous.note == "No figure in Sep-19: not in force."
