"""Contract pages are cached under the contract's data version: every kind of change moves it on,
so that the page read after the change shows the change, never the copy cached before it."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from contracts.models import Contract
from kpis.models import Kpi, Unit
from kpis.writes import decisions, saving, workflow
from regime.services import record_relief
from tests.kpis.definition_files import row, rows_of, to_csv
from tests.kpis.import_files import OPEN_QUARTER, fill_xlsx
from tests.kpis.returns import Q3, fill_return, row_entry, start_return

ROW = re.compile(
    r"ICT Managed Service</a></th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)(?:<span|</td>)"
)


def _counts(html: str) -> tuple[int, int] | None:
    """The quarter's measured and met for ICT's one service area, as the scorecard prints them;
    None where the quarter's figures are not shown."""
    found = ROW.search(html)
    return (int(found[1]), int(found[2])) if found else None


def _scorecard(client, user, code="ICT", quarter=Q3) -> str:
    client.force_login(user)
    return client.get(f"/contracts/{code}/", {"quarter": quarter.isoformat()}).content.decode()


def _version(code: str) -> int:
    return Contract.objects.get(code=code).data_version


def _submitted(officer, contract):
    quarterly_return = start_return(officer, contract)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    return workflow.submit_return(quarterly_return=quarterly_return, user=officer)


def test_a_second_reading_of_a_page_comes_from_the_cache(client, committee_member, seed):
    first = _scorecard(client, committee_member, quarter=datetime.date(2019, 3, 31))
    assert "Error:" not in first
    client.force_login(committee_member)
    url = "/contracts/ICT/?quarter=2019-03-31"
    # Sign-in's session and user, and the contract row that carries the version: no counting.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kpis.pages.scrutiny.scorecard", None)  # would fail if called again
        again = client.get(url).content.decode()
    assert (
        again.split("<main")[1].split("</main>")[0] == first.split("<main")[1].split("</main>")[0]
    )


def test_a_saved_return_shows_at_once(client, officer, manager, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    assert _counts(_scorecard(client, manager)) == (0, 0)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    # Every ICT KPI with a target gets a figure that meets it: 17 of the 19 (5 and 6 have none).
    assert _counts(_scorecard(client, manager)) == (17, 17)


def test_an_imported_file_shows_at_once(client, officer, manager, seed, tmp_path):
    start_return(officer, seed["ICT"])
    assert _counts(_scorecard(client, manager, quarter=OPEN_QUARTER)) == (0, 0)
    before = _version("ICT")
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    call_command(
        "import_readings", str(path), "--contract=ICT", f"--period={OPEN_QUARTER}",
        "--user=officer", stdout=io.StringIO(),
    )  # fmt: skip
    assert _version("ICT") > before
    # KPI 3's 95% against its target of 90.
    assert _counts(_scorecard(client, manager, quarter=OPEN_QUARTER)) == (1, 1)


def test_a_suspension_shows_at_once(client, officer, manager, seed):
    _submitted(officer, seed["ICT"])
    assert _counts(_scorecard(client, manager)) == (17, 17)
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    decisions.record_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="System replaced", user=manager
    )
    # KPI 3 no longer counts.
    assert _counts(_scorecard(client, manager)) == (16, 16)


def test_a_kpi_edit_shows_at_once(client, committee_member, seed):
    quarter = datetime.date(2019, 3, 31)
    assert "Call answering on the first ring" not in _scorecard(client, committee_member)
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="5")  # not measured in Mar-19
    kpi.description = "Call answering on the first ring"
    kpi.save()
    assert "Call answering on the first ring" in _scorecard(
        client, committee_member, quarter=quarter
    )


def test_a_change_of_target_shows_at_once(client, officer, manager, seed):
    _submitted(officer, seed["ICT"])
    assert _counts(_scorecard(client, manager)) == (17, 17)
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    decisions.change_rule(
        kpi=kpi, effective_from=Q3, target=Decimal(100), target_strict=True, detriment=None,
        failure=None, reason="Raised", user=manager,
    )  # fmt: skip
    # KPI 3's 100% no longer meets "more than 100%".
    assert _counts(_scorecard(client, manager)) == (17, 16)


def test_an_approval_and_a_reopening_show_at_once(client, officer, manager, committee_member, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    assert _counts(_scorecard(client, committee_member)) is None
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    assert _counts(_scorecard(client, committee_member)) == (17, 17)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="Typo in 3")
    assert _counts(_scorecard(client, committee_member)) is None


def test_a_service_area_renamed_shows_at_once(client, committee_member, seed):
    quarter = datetime.date(2019, 3, 31)
    assert "Digital services" not in _scorecard(client, committee_member, quarter=quarter)
    area = seed["ICT"].service_areas.get()
    area.name = "Digital services"
    area.save()
    assert "Digital services" in _scorecard(client, committee_member, quarter=quarter)


def test_a_relief_moves_the_version_on(seed, manager):
    before = _version("ICT")
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="11")
    record_relief(kpi=kpi, end_date=datetime.date(2019, 6, 30), reason="Agreed", user=manager)
    assert _version("ICT") > before


def test_a_shared_unit_changed_moves_every_contract_on(seed):
    before = {c.code: c.data_version for c in Contract.objects.all()}
    unit = Unit.objects.get(code="percent")
    unit.label = "Per cent"
    unit.save()
    after = {c.code: c.data_version for c in Contract.objects.all()}
    assert all(after[code] > before[code] for code in before)


def test_a_contract_saved_never_writes_back_an_older_version(seed):
    stale = Contract.objects.get(code="ICT")
    Contract.objects.filter(code="ICT").touch()
    moved = _version("ICT")
    stale.name = "ICT Managed Service (renamed)"
    stale.save()
    assert _version("ICT") > moved


def test_a_kpi_page_shows_a_saved_figure_at_once(client, officer, manager, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    client.force_login(manager)
    assert "96.5%" not in client.get(kpi.get_absolute_url()).content.decode()
    reading = quarterly_return.period.readings.get(kpi=kpi)
    saving.save_draft(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, "96.5")]
    )
    assert "96.5%" in client.get(kpi.get_absolute_url()).content.decode()


def test_the_kpi_table_shows_a_saved_figure_at_once(client, officer, manager, seed):
    quarterly_return = start_return(officer, seed["ICT"])
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    client.force_login(manager)
    url = f"/contracts/ICT/kpis/?quarter={Q3.isoformat()}"
    assert "96.5%" not in client.get(url).content.decode()
    reading = quarterly_return.period.readings.get(kpi=kpi)
    saving.save_draft(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, "96.5")]
    )
    assert "96.5%" in client.get(url).content.decode()


def test_the_same_page_with_another_query_is_built_afresh(client, committee_member, seed):
    client.force_login(committee_member)
    by_reference = client.get("/contracts/ICT/kpis/?sort=reference").content.decode()
    backwards = client.get("/contracts/ICT/kpis/?sort=-reference").content.decode()
    first_row = re.compile(r"<tbody[^>]*>\s*<tr[^>]*>\s*<t[hd][^>]*>\s*(?:<a[^>]*>)?([^<]+)<")
    assert first_row.search(by_reference)[1].strip() == "1"
    assert first_row.search(backwards)[1].strip() == "19"


@pytest.mark.parametrize("page", ["/contracts/ICT/", "/contracts/ICT/kpis/", "kpi"])
def test_a_cached_page_reads_only_the_session_the_user_and_the_contract(
    client, committee_member, seed, django_assert_num_queries, page
):
    url = Kpi.objects.get(contract=seed["ICT"], reference="3").get_absolute_url()
    url = url if page == "kpi" else page
    client.force_login(committee_member)
    client.get(url)
    # The session, the user, the user's groups (for the part in the contract) and the
    # contract (with the KPI on its page): nothing is counted again.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_kpis_imported_from_a_spreadsheet_show_at_once(client, manager, seed, tmp_path):
    client.force_login(manager)
    assert "Residual waste per household" not in client.get("/contracts/ICT/kpis/").content.decode()
    path = tmp_path / "ict-kpis.csv"
    path.write_bytes(
        to_csv(
            [
                *rows_of(seed["ICT"]),
                row(reference="W-1", description="Residual waste per household"),
            ]
        )
    )
    call_command("import_kpis", str(path), "--contract=ICT", "--user=manager", stdout=io.StringIO())
    assert "Residual waste per household" in client.get("/contracts/ICT/kpis/").content.decode()


def test_a_back_filled_quarter_shows_at_once(client, manager, committee_member, seed, tmp_path):
    # No return for Dec-19 yet: the quarter is not even offered.
    assert 'value="2019-12-31"' not in _scorecard(client, committee_member)
    path = tmp_path / "ict.xlsx"
    path.write_bytes(fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95}))
    call_command(
        "import_readings", str(path), "--contract=ICT", f"--period={OPEN_QUARTER}",
        "--user=manager", "--backfill", "--source=Monitoring report", stdout=io.StringIO(),
    )  # fmt: skip
    # Approved at once, so the committee reads it: KPI 3's 95% against 90.
    assert _counts(_scorecard(client, committee_member)) == (1, 1)


def test_the_home_page_shows_a_submission_and_an_approval_at_once(
    client, officer, manager, committee_member, seed
):
    client.force_login(manager)
    before = client.get("/").content.decode()
    quarterly_return = _submitted(officer, seed["ICT"])
    after = client.get("/").content.decode()
    # The manager's panel, and ICT's row, now say the return awaits approval.
    assert "Awaiting approval" not in before
    assert "Awaiting approval" in after
    client.force_login(committee_member)
    assert "Awaiting approval" in client.get("/").content.decode()
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    # ICT's latest approved quarter is now Dec-19: nothing awaits approval any more.
    assert "Awaiting approval" not in client.get("/").content.decode()
