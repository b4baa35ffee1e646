"""What the scrutiny pages say, checked against the seed report."""

import csv
import io

import openpyxl
import pytest

from kpis.models import Kpi, Reading


@pytest.fixture
def committee_client(client, committee_member, seed):
    client.force_login(committee_member)
    return client


def test_it_fills_the_scorecard_with_the_latest_years_approved_quarters(committee_client):
    card = committee_client.get("/contracts/PSSP/").context["card"]
    assert [p.label for p in card.periods] == ["Jun-19", "Sep-19"]
    assert card.year.label == "2019/20"
    # (measured, met) from Appendix B: parking misses every quarter; CS-K-001 is surveyed in
    # Sep-19 only of these quarters.
    assert {r.area.code: [(c.measured, c.met) for c in r.cells] for r in card.rows} == {
        "STS": [(9, 8), (9, 8)],
        "BS": [(1, 1)] * 2,
        "CS": [(1, 1), (2, 2)],
        "BTSI": [(1, 1)] * 2,
        "FSS": [(1, 1)] * 2,
        "PROC": [(5, 5)] * 2,
    }
    assert (card.year_total.measured, card.year_total.met) == (37, 35)


def test_it_fills_the_scorecard_with_the_year_chosen(committee_client):
    card = committee_client.get("/contracts/PSSP/", {"year": "2018"}).context["card"]
    assert [p.label for p in card.periods] == [
        "Jun-18",
        "Sep-18",
        "Dec-18",
        "Mar-19",
    ]
    assert (card.year_total.measured, card.year_total.met) == (73, 68)


def test_it_shows_the_quarters_chosen_and_keeps_them_ticked(committee_client):
    response = committee_client.get(
        "/contracts/PSSP/", {"quarter": ["2018-06-30", "2018-09-30", "2019-03-31"]}
    )
    card = response.context["card"]
    assert [p.label for p in card.periods] == ["Jun-18", "Sep-18", "Mar-19"]
    sts = next(r for r in card.rows if r.area.code == "STS")
    assert [(c.measured, c.met) for c in sts.cells] == [(9, 8), (9, 8), (9, 7)]
    assert 'value="2018-09-30" checked' in response.content.decode()


def test_it_explains_a_quarter_that_is_not_offered(committee_client):
    response = committee_client.get("/contracts/PSSP/", {"quarter": "2030-03-31"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "2030-03-31 is not one" in body
    assert len(response.context["card"].periods) == 2


def test_it_lists_the_suspended_and_unmeasured_kpis_with_reasons(committee_client):
    body = committee_client.get("/contracts/PSSP/").content.decode()
    assert "BS-K-002" in body
    assert "work management system is no longer supported" in body
    assert "CS-K-002" in body
    for kpi in Kpi.objects.filter(reference__in=["BS-K-002", "CS-K-002", "FS-K-002"]):
        link = f'<a class="govuk-link" href="/contracts/PSSP/kpis/{kpi.pk}/">{kpi.reference}</a>'
        assert link in body


def test_it_shows_the_known_differences_between_reported_and_computed(committee_client):
    response = committee_client.get("/contracts/PSSP/reported/")
    differences = {
        (c.area.code, c.period.label): (c.published.met, c.computed.met)
        for c in response.context["differences"]
    }
    assert differences == {
        ("STS", "Jun-18"): (9, 8),
        ("STS", "Sep-18"): (9, 8),
        ("STS", "Mar-19"): (9, 7),
    }
    june = next(c for c in response.context["differences"] if c.period.label == "Jun-18")
    assert [r.kpi.reference for r in june.behind] == ["R&B-K-009"]
    body = response.content.decode()
    assert "Reported <strong>9 of 9</strong> met; the figures give <strong>8 of 9</strong>" in body
    parking = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    assert (
        f'<a class="govuk-link" href="/contracts/PSSP/kpis/{parking.pk}/">R&amp;B-K-009</a>' in body
    )


def test_it_says_what_suspended_kpis_would_have_been(committee_client):
    response = committee_client.get("/contracts/PSSP/reported/")
    summaries = {s.kpi.reference: s.summary for s in response.context["suspended"]}
    # tests/kpis/test_seed_statuses.py: CS-K-002's six figures would all have been below target;
    # BS-K-002's Jun-18 92.86 below its 97, then no figure in the five quarters after.
    assert summaries == {
        "BS-K-002": "suspended: would have been below target in 1 of 6 quarters, "
        "missing in 5 of 6 quarters",
        "CS-K-002": "suspended: would have been below target in 6 of 6 quarters",
    }
    body = response.content.decode()
    for kpi in Kpi.objects.filter(reference__in=["BS-K-002", "CS-K-002"]):
        link = f'<a class="govuk-link" href="/contracts/PSSP/kpis/{kpi.pk}/">{kpi.reference}</a>'
        assert link in body


def test_it_filters_the_kpi_table_by_area_status_and_frequency(committee_client):
    response = committee_client.get(
        "/contracts/PSSP/kpis/",
        {"service_area": "STS", "status": "below_target", "frequency": "monthly"},
    )
    refs = [row.record.kpi.reference for row in response.context["table"].rows]
    assert refs == ["R&B-K-009"]


def test_it_keeps_bad_filter_values_with_a_message(committee_client):
    response = committee_client.get("/contracts/PSSP/kpis/", {"status": "bogus"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select a valid choice" in body


def test_it_sorts_the_kpi_table_by_reference_in_number_order(committee_client):
    response = committee_client.get("/contracts/ICT/kpis/", {"sort": "reference"})
    refs = [row.record.kpi.reference for row in response.context["table"].rows]
    assert refs[:3] == ["1", "2", "3"]
    response = committee_client.get("/contracts/ICT/kpis/", {"sort": "-reference"})
    assert response.context["table"].rows[0].record.kpi.reference == "19"


def test_it_shows_thresholds_where_the_contract_has_them(committee_client):
    ict = committee_client.get("/contracts/ICT/kpis/").context["table"]
    pssp = committee_client.get("/contracts/PSSP/kpis/").context["table"]
    assert "detriment" in [c.name for c in ict.columns]
    assert "detriment" not in [c.name for c in pssp.columns]


def test_it_downloads_the_table_on_screen_as_csv(committee_client):
    response = committee_client.get(
        "/contracts/PSSP/kpis/",
        {"service_area": "STS", "quarter": ["2018-06-30"], "_export": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "KPI", "Service area", "Description", "Frequency",
        "Jun-18 target", "Jun-18 figure", "Jun-18 status", "Jun-18 note",
        "Jun-18 direction since previous quarter", "Jun-18 direction since a year before",
    ]  # fmt: skip
    assert len(rows) == 1 + 9
    parking = next(r for r in rows if r[0] == "R&B-K-009")
    assert parking[4:7] == ["≥ 14%", "2.96%", "Below target"]
    # The first quarter held: nothing before it to compare with.
    assert parking[8] == "Not comparable with Mar-18. No figure in Mar-18: no return is held."


def test_it_makes_formula_like_cells_safe_in_downloads(committee_client, seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    kpi.description = '=HYPERLINK("http://evil")'
    kpi.save()
    response = committee_client.get("/contracts/PSSP/kpis/", {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert next(r for r in rows if r[0] == "R&B-K-009")[2].startswith("'=")
    response = committee_client.get("/contracts/PSSP/kpis/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_it_shows_a_kpi_with_its_chart_readings_and_commentary(committee_client):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    body = committee_client.get(kpi.get_absolute_url()).content.decode()
    assert '<svg class="app-chart"' in body
    assert 'role="img"' in body
    assert "Debt recovery - Parking" in body
    assert "2.96%" in body
    assert "The chart in words" in body


def test_it_shows_a_kpi_history_of_changes_to_those_working_on_it(committee_client, officer):
    from django.test import Client

    reading = Reading.objects.get(kpi__reference="R&B-K-009", period__end_date="2019-09-30")
    reading.commentary = "Recovery plan agreed with the supplier."
    reading.save()
    worker = Client()
    worker.force_login(officer)
    body = worker.get(reading.kpi.get_absolute_url()).content.decode()
    assert "Changed the Sep-19 reading" in body
    assert "Recovery plan agreed with the supplier." in body
    # Readers see the approved figures, not every value saved on the way to approval.
    history = committee_client.get(reading.kpi.get_absolute_url()).content.decode()
    assert "Changed the Sep-19 reading" not in history.split("History of changes")[1]


def test_it_lists_every_exception_in_the_committee_pack(committee_client):
    response = committee_client.get("/contracts/ICT/pack/2019-03-31/")
    refs = {kpi.reference for kpi, _cell, _trend in response.context["exceptions"]}
    # The report says four ICT KPIs were not delivered in March 2019: 1, 2, 3 and 8.
    assert {"1", "2", "3", "8"} <= refs
    assert [p.label for p in response.context["year"]] == ["Jun-18", "Sep-18", "Dec-18", "Mar-19"]
    assert 'media="print"' in response.content.decode()


def test_it_never_shows_template_comments_on_a_page(client, committee_member, seed):
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/").content.decode()
    assert "{#" not in page and "MultipleChoiceField" not in page


def test_the_table_of_a_contract_with_no_quarter_held_says_so(client, committee_member):
    from tests.factories import make_area, make_contract, make_kpi

    contract = make_contract("NEW")
    make_kpi(make_area(contract))
    client.force_login(committee_member)
    html = client.get(f"/contracts/{contract.code}/kpis/").content.decode()
    assert "1 KPI shown, with no quarter held yet." in html
    assert "shown for\n" not in html
