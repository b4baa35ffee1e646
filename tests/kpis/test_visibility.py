"""Figures of a quarter not yet approved, on every surface that reads figures, for every reader.

PSSP's 2019/20 Q3 is a draft and ICT's is submitted, each with one figure and one commentary
that appear nowhere else. Those working on the contract see them on its pages, marked as drafts;
the committee and other contracts' officers see "In progress" or "Awaiting approval" instead;
packs, downloads, the API and the open-data file carry approved quarters only, whoever asks.
"""

import csv
import dataclasses
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from kpis.choices import ReturnState, UnitCode
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.writes import saving, workflow
from tests.kpis.returns import fill_return, start_return

DRAFT_FIGURE = "12.345"
DRAFT_NOTE = "Draft commentary the committee must not read yet"
SUBMITTED_FIGURE = "98.765"
SUBMITTED_NOTE = "Submitted commentary awaiting a manager"
SECRETS = (DRAFT_FIGURE, DRAFT_NOTE, SUBMITTED_FIGURE, SUBMITTED_NOTE)


def _with_secret(quarterly_return, figure: str, note: str) -> tuple[Kpi, list]:
    entries = fill_return(quarterly_return)
    kpis = Kpi.objects.in_bulk([e.kpi_id for e in entries])
    i = next(i for i, e in enumerate(entries) if kpis[e.kpi_id].unit_id == UnitCode.PERCENT)
    entries[i] = dataclasses.replace(entries[i], value=Decimal(figure), commentary=note)
    return kpis[entries[i].kpi_id], entries


@pytest.fixture
def unapproved(officer, seed):
    """A PSSP draft and an ICT submission for 2019/20 Q3, each holding a secret."""
    draft = start_return(officer, seed["PSSP"])
    pssp_kpi, entries = _with_secret(draft, DRAFT_FIGURE, DRAFT_NOTE)
    saving.save_return(quarterly_return=draft, user=officer, entries=entries)
    submitted = start_return(officer, seed["ICT"])
    ict_kpi, entries = _with_secret(submitted, SUBMITTED_FIGURE, SUBMITTED_NOTE)
    saving.save_return(quarterly_return=submitted, user=officer, entries=entries)
    workflow.submit_return(quarterly_return=submitted, user=officer)
    assert QuarterlyReturn.objects.filter(state=ReturnState.APPROVED).count() == 12
    return {"PSSP": pssp_kpi, "ICT": ict_kpi}


def _pages(kpis) -> list[str]:
    return [
        "/",
        "/contracts/PSSP/",
        "/contracts/PSSP/kpis/",
        "/contracts/PSSP/reported/",
        kpis["PSSP"].get_absolute_url(),
        "/contracts/ICT/",
        "/contracts/ICT/kpis/",
        kpis["ICT"].get_absolute_url(),
    ]


def _get(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# The latest approved quarter and the one in progress after it, chosen.
WITH_DRAFT = "?quarter=2019-09-30&quarter=2019-12-31"


@pytest.mark.parametrize("reader", ["committee_member", "outsider"])
def test_it_shows_readers_outside_the_contract_progress_not_figures(
    client, unapproved, reader, request
):
    user = request.getfixturevalue(reader)
    for url in _pages(unapproved):
        page = _get(client, user, url)
        for secret in SECRETS:
            assert secret not in page, (url, secret)
        assert "Draft, not yet approved" not in page, url
    # A quarter in progress is shown when chosen (readers see approved quarters first), as such.
    assert "In progress" in _get(client, user, f"/contracts/PSSP/kpis/{WITH_DRAFT}")
    assert "Awaiting approval" in _get(client, user, f"/contracts/ICT/kpis/{WITH_DRAFT}")
    kpi_page = _get(client, user, unapproved["PSSP"].get_absolute_url())
    assert "Figures are shown once a contract manager approves the return." in kpi_page
    # The approved quarters are still there to read.
    assert "Sep-19" in kpi_page and "None given." in kpi_page


@pytest.mark.parametrize("reader", ["officer", "manager", "admin_user"])
def test_it_shows_those_working_on_the_contract_its_drafts_marked_as_drafts(
    client, unapproved, reader, request
):
    user = request.getfixturevalue(reader)
    table = _get(client, user, f"/contracts/PSSP/kpis/{WITH_DRAFT}")
    assert f"{DRAFT_FIGURE}%" in table
    assert "Draft, not yet approved" in table
    kpi_page = _get(client, user, unapproved["PSSP"].get_absolute_url())
    assert DRAFT_NOTE in kpi_page and "Draft, not yet approved" in kpi_page
    ict_page = _get(client, user, unapproved["ICT"].get_absolute_url())
    assert f"{SUBMITTED_FIGURE}%" in ict_page and SUBMITTED_NOTE in ict_page


def test_it_keeps_the_home_headline_on_the_latest_approved_quarter(
    client, unapproved, officer, committee_member
):
    for user in (officer, committee_member):
        page = _get(client, user, "/")
        assert "Sep-19" in page
        assert "In progress" in page and "Awaiting approval" in page
        assert "Return draft" not in page and "Return submitted" not in page


def test_it_does_not_let_a_status_filter_reveal_a_hidden_figure(
    client, unapproved, officer, committee_member
):
    url = "/contracts/PSSP/kpis/?quarter=2019-12-31&status=below_target"
    reference = unapproved["PSSP"].reference
    assert f">{reference}<" in _get(client, officer, url)
    page = _get(client, committee_member, url)
    assert f">{reference}<" not in page
    assert "0 KPIs shown" in page


@pytest.mark.parametrize("reader", ["committee_member", "officer", "manager", "admin_user"])
def test_it_leaves_unapproved_quarters_out_of_packs_and_downloads(
    client, unapproved, reader, request
):
    user = request.getfixturevalue(reader)
    for code in ("PSSP", "ICT"):
        pack = _get(client, user, f"/contracts/{code}/pack/2019-12-31/")
        assert "is not approved yet" in pack
        assert "This quarter's exceptions are listed once its return is approved." in pack
        csv_text = _get(client, user, f"/contracts/{code}/kpis/?quarter=2019-12-31&_export=csv")
        assert "Dec-19 figure" in csv_text
        client.force_login(user)
        xlsx = client.get(f"/contracts/{code}/kpis/?quarter=2019-12-31&_export=xlsx")
        book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
        cells = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row)
        for text in (pack, csv_text, cells):
            for secret in SECRETS:
                assert secret not in text, (code, secret)
        assert "In progress" in cells or "Awaiting approval" in cells


@pytest.mark.parametrize("reader", ["committee_member", "officer", "admin_user"])
def test_it_serves_approved_quarters_only_through_the_api(unapproved, client_for, reader, request):
    api = client_for(request.getfixturevalue(reader))
    readings = api.get("/api/v1/readings/?page_size=1000").json()
    quarters = {r["quarter_end"] for r in readings["results"]}
    assert "2019-12-31" not in quarters
    assert readings["count"] == Reading.objects.exclude(period__end_date="2019-12-31").count()
    summaries = api.get("/api/v1/summaries/?page_size=1000").json()["results"]
    assert summaries and all(s["quarter_end"] != "2019-12-31" for s in summaries)


def test_it_publishes_approved_quarters_only_as_open_data(client, unapproved, officer):
    approved = Reading.objects.exclude(period__end_date="2019-12-31").count()
    client.force_login(officer)
    response = client.get("/open-data/readings.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == approved
    assert {r["return_state"] for r in rows} == {"approved"}
    out = io.StringIO()
    call_command("export_open_data", stdout=out)
    assert all(secret not in out.getvalue() for secret in SECRETS)
    for command in ("export_readings", "export_summary"):
        for code in ("PSSP", "ICT"):
            out = io.StringIO()
            call_command(command, contract=code, stdout=out)
            assert "2019-12-31" not in out.getvalue(), (command, code)


def test_it_keeps_the_history_of_drafts_from_readers_once_approved(
    client, unapproved, committee_member, officer
):
    from kpis.models import QuarterlyReturn

    QuarterlyReturn.objects.filter(period__end_date="2019-12-31").update(state="approved")
    url = unapproved["PSSP"].get_absolute_url()
    assert DRAFT_NOTE in _get(client, committee_member, url)  # the approved figure itself
    history = _get(client, committee_member, url).split("History of changes")[1]
    assert DRAFT_FIGURE not in history and DRAFT_NOTE not in history
    # The committee is told what its history holds, rather than that nothing changed.
    assert "Changes to the KPI itself. Changes to its figures before" in history
    assert "No changes recorded to the KPI itself." in history
    officers = _get(client, officer, url).split("History of changes")[1]
    assert DRAFT_NOTE in officers and "Changes to the KPI itself" not in officers


def test_it_searches_contracts_with_any_characters(client, seed, committee_member):
    client.force_login(committee_member)
    assert client.get("/", {"q": "PSSP\x00"}).status_code == 200
