"""What the return page refuses as too long, every other way in refuses too, in the same words:
the spreadsheet imports (CSV and Excel, browser and command line), the admin, the services; the
API writes nothing at all. Otherwise an import could store commentary that the officer then
cannot save on the return page.
"""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kpis.imports.parse import COLUMNS
from kpis.imports.template import template_xlsx
from kpis.models import Kpi, QuarterlyReturn, Reading, Suspension
from kpis.writes import decisions, opening, saving, workflow
from tests.admin_forms import form_data
from tests.kpis.import_files import OPEN_QUARTER, database_state, rows_of, to_csv
from tests.kpis.returns import reading_in, row_entry

COMMENTARY_MESSAGE = "Keep the commentary to 4,000 characters or fewer"
REASON_MESSAGE = "Keep the reason to 200 characters or fewer"
UPLOAD = "/contracts/ICT/import/"


@pytest.fixture
def draft(officer, seed) -> QuarterlyReturn:
    return opening.open_return(contract=seed["ICT"], end_date=OPEN_QUARTER, user=officer)


def _csv(seed, **cells: str) -> bytes:
    rows = rows_of(seed["ICT"])
    rows[2].update(cells)  # KPI 3, on line 4
    return to_csv(rows)


def _xlsx(seed, column: str, text: str) -> bytes:
    book = load_workbook(io.BytesIO(template_xlsx(seed["ICT"], OPEN_QUARTER)))
    sheet = book.active
    month = COLUMNS.index("Month") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        # KPI 3's quarter row, not a monthly KPI's month rows.
        if cell.value == "3" and not sheet.cell(row=cell.row, column=month).value:
            sheet.cell(row=cell.row, column=COLUMNS.index(column) + 1, value=text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, content: bytes, name: str):
    return client.post(
        UPLOAD,
        {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("length", [4_001, 120_000])
def test_a_csv_import_refuses_commentary_the_return_page_would(
    client, officer, draft, seed, length
):
    client.force_login(officer)
    before = database_state()
    response = _upload(client, _csv(seed, Figure="80", Commentary="x" * length), "ict.csv")
    assert response.status_code == 400
    assert f"Line 4: {COMMENTARY_MESSAGE}" in response.content.decode()
    assert database_state() == before


def test_a_csv_import_takes_commentary_up_to_the_limit(client, officer, draft, seed):
    client.force_login(officer)
    response = _upload(client, _csv(seed, Figure="80", Commentary="x" * 4_000), "ict.csv")
    assert response.status_code == 200
    assert response.context["token"]


def test_a_csv_import_refuses_a_reason_the_return_page_would(client, officer, draft, seed):
    client.force_login(officer)
    content = _csv(seed, **{"Not measured": "yes", "Reason not measured": "r" * 201})
    response = _upload(client, content, "ict.csv")
    assert response.status_code == 400
    assert f"Line 4: {REASON_MESSAGE}" in response.content.decode()


def test_an_excel_import_refuses_commentary_the_return_page_would(client, officer, draft, seed):
    client.force_login(officer)
    before = database_state()
    response = _upload(client, _xlsx(seed, "Commentary", "x" * 4_001), "ict.xlsx")
    assert response.status_code == 400
    # KPIs 1 and 2 are monthly: the Excel template has their three month rows beneath each.
    assert f"Line 10: {COMMENTARY_MESSAGE}" in response.content.decode()
    assert database_state() == before


def test_the_command_line_import_refuses_commentary_the_return_page_would(
    officer, draft, seed, tmp_path
):
    path = tmp_path / "ict.csv"
    path.write_bytes(_csv(seed, Figure="80", Commentary="x" * 4_001))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_readings",
            str(path),
            "--contract=ICT",
            f"--period={OPEN_QUARTER.isoformat()}",
            "--user=officer",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert COMMENTARY_MESSAGE in err.getvalue()


def test_the_service_refuses_commentary_the_return_page_would(officer, draft):
    reading = reading_in(draft, "3")
    with pytest.raises(saving.ReturnInvalid) as refused:
        saving.save_return(
            quarterly_return=draft,
            user=officer,
            entries=[row_entry(reading, 80, commentary="x" * 4_001)],
        )
    assert refused.value.row_errors == {reading.kpi_id: {"commentary": COMMENTARY_MESSAGE}}


def test_the_admin_refuses_commentary_the_return_page_would(client, admin_user, draft):
    reading = reading_in(draft, "3")
    client.force_login(admin_user)
    url = f"/admin/kpis/reading/{reading.pk}/change/"
    data = form_data(client, url, commentary="x" * 4_001, change_reason="Typing it in")
    response = client.post(url, data)
    assert response.status_code == 200
    assert COMMENTARY_MESSAGE in response.content.decode()
    reading.refresh_from_db()
    assert reading.commentary == ""


def test_the_api_writes_no_reading(client_for, officer, draft):
    reading = reading_in(draft, "3")
    api = client_for(officer)
    for method in (api.post, api.put, api.patch):
        response = method(f"/api/v1/readings/{reading.pk}/", {"commentary": "x" * 4_001})
        assert response.status_code in (404, 405)
    assert api.post("/api/v1/readings/", {"commentary": "x"}).status_code == 405
    reading.refresh_from_db()
    assert reading.commentary == ""


def test_decisions_keep_their_reasons_to_the_forms_length(officer, manager, seed, draft):
    long = "r" * 2_001
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    with pytest.raises(ValidationError) as refused:
        decisions.record_suspension(
            kpi=kpi, first_quarter=OPEN_QUARTER, last_quarter=None, reason=long, user=manager
        )
    assert refused.value.message_dict == {
        "reason": ["Keep the reason to 2,000 characters or fewer"]
    }
    with pytest.raises(ValidationError) as refused:
        decisions.ask_for_suspension(
            kpi=kpi,
            first_quarter=OPEN_QUARTER,
            last_quarter=None,
            reason=long,
            user=officer,
            quarterly_return=draft,
        )
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decisions.change_rule(
            kpi=kpi,
            effective_from=OPEN_QUARTER,
            target=kpi.target + 1,
            target_strict=False,
            detriment=None,
            failure=None,
            reason=long,
            user=manager,
        )
    assert refused.value.message_dict["reason"] == ["Keep the reason to 2,000 characters or fewer"]
    assert not Suspension.objects.filter(kpi=kpi).exists()
    assert not kpi.rule_changes.exists()


def test_a_reopening_keeps_its_reason_to_the_forms_length(officer, manager, seed):
    quarterly_return = QuarterlyReturn.objects.get(
        contract=seed["ICT"], period__end_date=datetime.date(2019, 9, 30)
    )
    with pytest.raises(ValidationError, match="Keep the reason to 2,000 characters or fewer"):
        workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="r" * 2_001)
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == "approved"


def test_the_admin_keeps_a_suspensions_reason_to_the_forms_length(client, admin_user, draft):
    kpi = Kpi.objects.get(contract__code="ICT", reference="3")
    client.force_login(admin_user)
    url = "/admin/kpis/suspension/add/"
    data = form_data(
        client,
        url,
        kpi=str(kpi.pk),
        first_quarter=OPEN_QUARTER.isoformat(),
        reason="r" * 2_001,
        change_reason="Agreed at the review",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Keep the reason to 2,000 characters or fewer" in response.content.decode()
    assert not Suspension.objects.filter(kpi=kpi).exists()
    assert Reading.objects.filter(kpi=kpi).exists()
