"""The Target column of an ordinary import: a manager sets the quarter's own target with it; an
officer, who may not, is told so; the template sent back as it is changes no target."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, Reading
from tests.conftest import PASSWORD
from tests.kpis.import_files import database_state, rows_of, to_csv

UPLOAD = "/contracts/ICT/import/"
CONFIRM = "/contracts/ICT/import/confirm/"
QUARTER = datetime.date(2019, 12, 31)


def _file(contract, target: str, figure: str = "80") -> bytes:
    rows = rows_of(contract, QUARTER)
    for row in rows:
        if row["KPI reference"] == "8":
            row["Figure"], row["Target"] = figure, target
    return to_csv(rows)


def _import(client, content: bytes):
    data = {"quarter": QUARTER.isoformat(), "file": SimpleUploadedFile("q3.csv", content)}
    preview = client.post(UPLOAD, data)
    if preview.status_code != 200:
        return preview
    return client.post(CONFIRM, {"token": preview.context["token"]})


def _kpi_8() -> Reading:
    return Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="8", period__end_date=QUARTER
    )


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def test_a_manager_sets_the_quarters_target_in_a_draft(as_manager, seed):
    response = _import(as_manager, _file(seed["ICT"], "85%"))
    assert response.status_code == 302
    reading = _kpi_8()
    assert reading.target_override == Decimal(85)
    assert reading.target == Decimal(85)
    returned = QuarterlyReturn.objects.get(contract__code="ICT", period__end_date=QUARTER)
    # An ordinary import leaves a draft, whoever makes it.
    assert returned.state == ReturnState.DRAFT


def test_the_kpis_own_target_clears_the_quarters(as_manager, seed):
    _import(as_manager, _file(seed["ICT"], "85"))
    response = _import(as_manager, _file(seed["ICT"], "90"))
    assert response.status_code == 302
    assert _kpi_8().target_override is None


def test_an_ordinary_import_still_asks_for_commentary_on_a_miss(as_manager, seed):
    data = {
        "quarter": QUARTER.isoformat(),
        "file": SimpleUploadedFile("q.csv", _file(seed["ICT"], "")),
    }
    html = as_manager.post(UPLOAD, data).content.decode()
    assert "To do before you submit: explain why the target was missed" in html


def test_an_officer_is_told_only_a_manager_changes_a_target(client, officer, seed):
    client.login(username="officer", password=PASSWORD)
    before = database_state()
    response = _import(client, _file(seed["ICT"], "85"))
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "Only a contract manager can change this quarter&#x27;s target: leave Target as the "
        "template gives it (90)." in html
    )
    assert database_state() == before


def test_an_officer_sends_the_target_back_as_given(client, officer, seed):
    client.login(username="officer", password=PASSWORD)
    response = _import(client, _file(seed["ICT"], "90"))
    assert response.status_code == 302
    reading = _kpi_8()
    assert (reading.value, reading.target_override) == (Decimal(80), None)
