"""The year view: each financial year's year to date beside its quarters, on the scorecard, the
KPI table, the pack and the home page, with a year chooser.

The year's counts are written out by hand from Appendix B of the seed report, quarter by quarter
as tests/kpis/test_seed_counts.py lists them, and added up here by hand: a KPI is counted in
every quarter it is judged, as table 4.3 counts each quarter.
"""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from kpis.models import PublishedSummary, Reading, ReportingPeriod
from kpis.reads.summary import Counts
from kpis.writes import opening
from tests.kpis.test_seed_counts import _row, _tables

# measured, met, % met, below target, detriment, failure, suspended, not measured, missing,
# data only: 2018/19, Jun-18 to Mar-19.
PSSP_2018 = {
    # 9 KPIs a quarter: R&B-K-009 misses all four, R&B-K-009b Mar-19 too. 31 of 36 is 86.1%.
    "Shared Transactional Services": ["36", "31", "86%", "5", "0", "0", "0", "0", "0", "0"],
    # PAY-K-001 met four times; BS-K-002 suspended four times.
    "Business Support": ["4", "4", "100%", "0", "0", "0", "4", "0", "0", "0"],
    # CS-K-006 met four times, CS-K-001 surveyed in Sep-18 only (3 "no survey"), CS-K-002
    # suspended throughout.
    "Customer Services": ["5", "5", "100%", "0", "0", "0", "4", "3", "0", "0"],
    "Business Transformation": ["4", "4", "100%", "0", "0", "0", "0", "0", "0", "0"],
    # FS-K-002: "no call received" every quarter.
    "Financial Systems Support": ["4", "4", "100%", "0", "0", "0", "0", "4", "0", "0"],
    "Procurement": ["20", "20", "100%", "0", "0", "0", "0", "0", "0", "0"],
    # 18 + 19 + 18 + 18 measured, 17 + 18 + 17 + 16 met: 68 of 73 is 93.2%.
    "Contract total": ["73", "68", "93%", "5", "0", "0", "8", "7", "0", "0"],
}
ICT_2018 = {
    # 17 + 17 + 17 + 14 measured; 17 + 15 + 16 + 10 met: 58 of 65 is 89.2%. Below target: KPI 8
    # in Sep-18, Dec-18 and Mar-19; detriments: KPI 1 in Sep-18, KPIs 1, 2 and 3 in Mar-19;
    # not measured: 15, 18 and 19 in Mar-19; missing: KPIs 5 and 6, four quarters each.
    "ICT Managed Service": ["65", "58", "89%", "3", "4", "0", "0", "3", "8", "0"],
    "Contract total": ["65", "58", "89%", "3", "4", "0", "0", "3", "8", "0"],
}
# A future quarter of 2019/20, after the seed's Sep-19.
DEC_19 = datetime.date(2019, 12, 31)


@pytest.fixture
def reader(client, committee_member, seed):
    client.force_login(committee_member)
    return client


def _year_table(html: str) -> list[list[str]]:
    return next(
        t for t in _tables(html) if t and t[0][:4] == ["Service area", "Measured", "✓ Met", "% met"]
    )


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(("code", "expected"), [("PSSP", PSSP_2018), ("ICT", ICT_2018)])
@pytest.mark.parametrize("page", ["/contracts/{}/", "/contracts/{}/kpis/"])
def test_it_counts_2018_19_to_date_as_written_out_by_hand(reader, code, expected, page):
    response = reader.get(page.format(code), {"year": "2018"})
    table = _year_table(response.content.decode())
    assert {name: _row(table, name)[1:] for name in expected} == expected


def test_the_year_agrees_with_table_4_3_where_the_report_prints_it(reader, seed):
    # Table 4.3 prints Jun-18, Sep-18 and Mar-19: 18 + 19 + 18 = 55 measured. Dec-18, not
    # printed there, is 18 measured in Appendix B: 73 in all.
    printed = sum(p.measured for p in PublishedSummary.objects.all())
    assert printed == 55
    card = reader.get("/contracts/PSSP/", {"year": "2018"}).context["card"]
    assert card.year_total.measured == printed + 18
    assert (card.year_total.met, card.year_total.percent_met) == (68, 93)


def test_a_draft_in_a_later_quarter_leaves_a_readers_year_as_it_was(reader, client, seed, officer):
    before = [_main(reader.get(url).content.decode()) for url in ("/", "/contracts/PSSP/")]
    started = opening.open_return(contract=seed["PSSP"], end_date=DEC_19, user=officer)
    # A figure in the draft that would be a miss, were it counted.
    reading = Reading.objects.get(period=started.period, kpi__reference="PAY-K-001")
    reading.value = Decimal(1)
    reading.save()

    home = _tables(reader.get("/").content.decode())[0]
    assert _row(home, "Peterborough")[11:] == [
        "2019/20 Jun-19 to Sep-19, 2 quarters", "37", "35", "95%",
    ]  # fmt: skip
    card = reader.get("/contracts/PSSP/").context["card"]
    assert [p.label for p in card.periods] == ["Jun-19", "Sep-19"]
    assert (card.year_total.measured, card.year_total.met) == (37, 35)
    after = [_main(reader.get(url).content.decode()) for url in ("/", "/contracts/PSSP/")]
    # The home page says the quarter is in progress, beside counts that did not move.
    assert "Dec-19:" in after[0] and "Dec-19:" not in before[0]
    # The draft is offered among the quarters to choose, in progress, and nothing else moves.
    assert "Dec-19 (in progress)" in after[1] and "Dec-19" not in before[1]
    # Those working on the contract see the draft's column, yet the year to date is still the
    # approved quarters'.
    client.force_login(officer)
    card = client.get("/contracts/PSSP/", {"quarter": ["2019-06-30", "2019-09-30", "2019-12-31"]})
    card = card.context["card"]
    assert card.drafts == [False, False, True]
    assert (card.year_total.measured, card.year_total.met) == (37, 35)


def _options(html: str) -> list[str]:
    select = html[html.index('<select class="govuk-select" id="id_year"') :]
    select = select[: select.index("</select>")]
    return [part.split(">", 1)[1].split("<", 1)[0].strip() for part in select.split("<option")[1:]]


@pytest.mark.parametrize("page", ["/contracts/PSSP/", "/contracts/PSSP/kpis/"])
def test_the_year_chooser_reaches_every_year_held(reader, seed, officer, page):
    assert _options(reader.get(page).content.decode()) == ["2019/20", "2018/19"]
    opening.open_return(contract=seed["PSSP"], end_date=datetime.date(2021, 6, 30), user=officer)
    html = reader.get(page).content.decode()
    assert _options(html) == ["2021/22 (in progress)", "2019/20", "2018/19"]
    # The latest year with an approved quarter stays the one chosen at first.
    assert '<option value="2019" selected>' in html
    for year, quarters in (("2018", ["Jun-18", "Sep-18", "Dec-18", "Mar-19"]),
                           ("2019", ["Jun-19", "Sep-19"]), ("2021", ["Jun-21"])):  # fmt: skip
        response = reader.get(page, {"year": year})
        shown = (
            response.context["card"].periods
            if "kpis" not in page
            else list(response.context["shown"])
        )
        assert [p.label for p in shown] == quarters
        assert f'<option value="{year}" selected>' in response.content.decode()
    # A year with no approved quarter shows its quarter in progress and no year to date.
    html = reader.get("/contracts/PSSP/", {"year": "2021"}).content.decode()
    assert "In progress" in html and "no quarter approved yet" in html.lower()


@pytest.mark.parametrize("page", ["/contracts/PSSP/", "/contracts/PSSP/kpis/"])
@pytest.mark.parametrize("bad", ["1999", "twenty"])
def test_the_year_chooser_refuses_a_year_not_held_with_a_message(reader, page, bad):
    response = reader.get(page, {"year": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    message = f"Choose a financial year from the list: {bad} is not one."
    # Beside the select, which it describes.
    field = html[html.index('<label class="govuk-label govuk-label--s" for="id_year">') :]
    assert message in field[: field.index("</select>")]
    assert 'aria-describedby="id_year-hint id_year-error"' in field
    # The page falls back to the latest year.
    assert "2019/20 to date" in html


def test_the_kpi_table_gives_each_kpi_its_year(reader):
    html = reader.get("/contracts/ICT/kpis/", {"year": "2018"}).content.decode()
    rows = _tables(html)[0]
    assert rows[0][-1] == "2018/19 to date"
    # KPI 1: met in Jun-18 and Dec-18, one failure (a detriment) in Sep-18 and Mar-19.
    assert _row(rows, "1")[-1] == "2 of 4 met 50% met ⚠ 2 detriment"
    # KPI 8: 78%, 86% and below target against 90% after a met Jun-18.
    assert _row(rows, "8")[-1] == "1 of 4 met 25% met ✗ 3 below target"
    # KPI 5: never printed.
    assert _row(rows, "5")[-1] == "None measured ? 4 missing"


def test_the_home_page_heads_each_contract_with_its_year(reader):
    table = _tables(reader.get("/").content.decode())[0]
    assert table[0][1:] == ["Latest approved quarter", "Financial year to date"]
    # 2019/20: PSSP 18 + 19 measured, 17 + 18 met; ICT 15 + 14, 14 + 14 (28 of 29 is 96.6%).
    assert _row(table, "Peterborough")[11:] == [
        "2019/20 Jun-19 to Sep-19, 2 quarters", "37", "35", "95%",
    ]  # fmt: skip
    assert _row(table, "ICT Managed")[11:] == [
        "2019/20 Jun-19 to Sep-19, 2 quarters", "29", "28", "97%",
    ]  # fmt: skip


def test_the_pack_shows_the_year_in_the_shape_of_table_4_3(reader):
    html = reader.get("/contracts/PSSP/pack/2018-12-31/").content.decode()
    table = _tables(html)[0]
    # Quarters across, service areas down, measured and met, and the year so far beside.
    assert table[0][1:] == ["Jun-18", "Sep-18", "Dec-18", "2018/19 to date Jun-18 to Dec-18"]
    # 18 + 19 + 18 measured, 17 + 18 + 17 met: 52 of 55 is 94.5%.
    assert _row(table, "Total")[1:] == [
        "18", "17 ✗ 1 missed", "19", "18 ✗ 1 missed", "18", "17 ✗ 1 missed",
        "55", "52 ✗ 3 missed", "95%",
    ]  # fmt: skip
    year = _year_table(html)
    assert _row(year, "Contract total")[1:] == [
        "55", "52", "95%", "3", "0", "0", "6", "5", "0", "0",
    ]  # fmt: skip


def test_the_packs_pdf_prints_the_year(reader):
    content = reader.get("/contracts/PSSP/pack/2019-03-31/pdf").content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    words = " ".join(text.split())
    assert "2018/19 to date, every status" in words
    # The caption's quarters are a line of their own, not run on to "status".
    assert "every status\nJun-18 to Mar-19" in text
    assert "Contract total 73 68 93% 5 0 0 8 7 0 0" in words
    assert (
        "Total 18 17 ✗ 1 missed 19 18 ✗ 1 missed 18 17 ✗ 1 missed 18 16 ✗ 2 missed 73 68" in (words)
        or "73 68 ✗ 5 missed 93%" in words
    )


def test_a_year_to_date_rounds_a_half_up_and_says_none_measured(seed):
    assert Counts(met=68, below_target=5).percent_met == 93
    assert Counts(met=1, below_target=1).percent_met == 50
    assert Counts(met=1, below_target=7).percent_met == 13  # 12.5
    assert Counts(suspended=3).percent_met is None
    assert ReportingPeriod(end_date=datetime.date(2019, 3, 31), financial_year=2018).year_label == (
        "2018/19"
    )
