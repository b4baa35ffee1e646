from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpis.imports.parse import COLUMNS
from kpis.imports.template import template_rows
from kpis.models import Reading
from tests.conftest import PASSWORD
from tests.kpis.import_files import (
    LOCKED_QUARTER,
    OPEN_QUARTER,
    database_state,
    fill_xlsx,
    rows_of,
    to_csv,
)

UPLOAD = "/contracts/ICT/import/"
CONFIRM = "/contracts/ICT/import/confirm/"
TEMPLATE = "/contracts/ICT/import/template/"


@pytest.fixture
def signed_in(client, officer):
    client.login(username="officer", password=PASSWORD)
    return client


def _upload(client, content: bytes, name: str, quarter=OPEN_QUARTER):
    return client.post(
        UPLOAD, {"quarter": quarter.isoformat(), "file": SimpleUploadedFile(name, content)}
    )


def test_it_shows_the_import_page_to_an_assigned_officer(signed_in):
    response = signed_in.get(UPLOAD)
    assert response.status_code == 200
    assert "Check the file" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("committee", 403), ("outsider", 404)])
def test_it_keeps_out_those_who_cannot_enter_figures(
    client, committee_member, outsider, who, status
):
    client.login(username=who, password=PASSWORD)
    assert client.get(UPLOAD).status_code == status
    assert client.get(TEMPLATE, {"quarter": OPEN_QUARTER, "format": "csv"}).status_code == status
    assert client.post(CONFIRM, {"token": "x"}).status_code == status


def test_it_sends_an_anonymous_visitor_to_sign_in(client, seed):
    assert client.get(UPLOAD).status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_it_downloads_the_template(signed_in, fmt):
    response = signed_in.get(TEMPLATE, {"quarter": OPEN_QUARTER.isoformat(), "format": fmt})
    assert response.status_code == 200
    assert f"ICT-{OPEN_QUARTER}-figures.{fmt}" in response["Content-Disposition"]


def test_the_template_gives_a_target_of_0_rather_than_leaving_it_blank(seed):
    # ICT's KPI 1 allows at most 0 failures: a blank would read as "no target".
    rows = template_rows(seed["ICT"], OPEN_QUARTER)
    target = COLUMNS.index("Target")
    assert next(row for row in rows if row[2] == "1")[target] == "0"


def test_it_refuses_a_template_for_a_quarter_not_offered(signed_in):
    response = signed_in.get(TEMPLATE, {"quarter": "2001-01-01", "format": "csv"})
    assert response.status_code == 400
    assert "Choose a quarter from the list" in response.content.decode()


def test_it_previews_then_imports_only_on_confirmation(signed_in, seed):
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"1": 0, "3": 96.5})
    before = database_state()
    preview = _upload(signed_in, content, "ict.xlsx")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Import: 2 KPIs changed" in page
    assert "96.5" in page
    assert database_state() == before
    token = preview.context["token"]
    done = signed_in.post(CONFIRM, {"token": token})
    assert done.status_code == 302
    assert done["Location"] == f"/contracts/ICT/returns/{OPEN_QUARTER}/"
    held = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    assert held.value == Decimal("96.5")
    # The same confirmation cannot be replayed.
    again = signed_in.post(CONFIRM, {"token": token})
    assert again.status_code == 302
    assert again["Location"] == UPLOAD


def test_it_lists_every_problem_with_its_line_and_saves_nothing(signed_in, seed):
    rows = rows_of(seed["ICT"])
    rows[0]["Figure"] = "lots"
    rows[3]["Figure"] = "120"
    before = database_state()
    response = _upload(signed_in, to_csv(rows), "bad.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file cannot be imported: nothing was changed" in page
    assert "Line 2: &#x27;lots&#x27; is not a number" in page
    assert "Line 5: A percentage must be between 0 and 100." in page
    assert "Import " not in page.split("<h2")[-3]
    assert database_state() == before


def test_it_refuses_a_locked_quarter_in_the_browser(signed_in, seed):
    before = database_state()
    response = _upload(
        signed_in, to_csv(rows_of(seed["ICT"], LOCKED_QUARTER)), "q1.csv", LOCKED_QUARTER
    )
    assert response.status_code == 400
    assert "approved and is locked" in response.content.decode()
    assert database_state() == before


def test_it_asks_for_a_file(signed_in):
    response = signed_in.post(UPLOAD, {"quarter": OPEN_QUARTER.isoformat()})
    assert response.status_code == 400
    assert "Choose the file to import" in response.content.decode()


def test_it_refuses_the_confirmation_if_figures_changed_meanwhile(signed_in, seed):
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 96.5})
    first = _upload(signed_in, content, "a.xlsx")
    signed_in.post(CONFIRM, {"token": first.context["token"]})
    second = _upload(signed_in, fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 97}), "b.xlsx")
    held = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    held.version += 1
    held.value = Decimal("91")
    held.save()
    before = database_state()
    response = signed_in.post(CONFIRM, {"token": second.context["token"]})
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()
    assert database_state() == before


def test_it_imports_a_miss_without_commentary_as_a_to_do_for_submission(signed_in, seed):
    # KPI 3's target is 95%: 50 misses it, and the file gives no explanation.
    preview = _upload(signed_in, fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 50}), "ict.xlsx")
    page = preview.content.decode()
    assert "To do before you submit: explain why the target was missed" in page
    assert "Import: 1 KPI changed" in page
    assert signed_in.post(CONFIRM, {"token": preview.context["token"]}).status_code == 302
    held = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    assert held.value == 50 and held.commentary == ""
    # The return lists it among what is left to do.
    page = signed_in.get(f"/contracts/ICT/returns/{OPEN_QUARTER}/").content.decode()
    assert "missed target to explain" in page
