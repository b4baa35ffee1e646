"""Big definitions imports: written in bulk, in the same queries for 10 new KPIs as for 2,000,
all or nothing; the browser's limits (kpis/imports/definitions/limits.py, where the measured
times are) refused above with a pointer to the command line, which takes more.

Speed itself is not asserted (the machine's load decides it); the number of queries, which
decides it on a quiet server, is.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.imports.definitions.limits import COMMAND_ROWS, WEB_ROWS, WEB_RULE_CHANGES
from kpis.imports.definitions.write import import_definitions
from kpis.models import Kpi, Reading
from kpis.writes import opening
from tests.factories import make_contract
from tests.kpis.definition_files import definitions_state, preview_of, row, rows_of, to_csv

UPLOAD = "/contracts/{code}/kpis/import/"
CONFIRM = "/contracts/{code}/kpis/import/confirm/"
OPEN_QUARTER = datetime.date(2019, 12, 31)


def _rows(count: int, prefix: str = "B") -> list[dict[str, str]]:
    """New KPIs spread over seven new service areas."""
    return [
        row(
            reference=f"{prefix}-{n}",
            service_area_code=f"A{n % 7}",
            service_area_name=f"Area {n % 7}",
        )
        for n in range(count)
    ]


def _contract_with_an_open_return(code: str, manager, officer):
    contract = make_contract(code, start_date=datetime.date(2019, 4, 1))
    contract.assignments.create(user=manager)
    contract.assignments.create(user=officer)
    opening.open_return(contract=contract, end_date=OPEN_QUARTER, user=officer)
    return contract


@pytest.mark.parametrize("count", [10, WEB_ROWS])
def test_it_writes_new_kpis_in_the_same_queries_however_many(seed, manager, officer, count):
    contract = _contract_with_an_open_return("BIG", manager, officer)
    preview = preview_of(contract, manager, to_csv(_rows(count)))
    assert preview.ok, preview.problems[:3]
    with CaptureQueriesContext(connection) as queries:
        written = import_definitions(preview=preview, user=manager)
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    # The savepoint and its release, the contract's lock, its service areas, the last position
    # in each, the open return's quarter, and a move of the data version by each bulk write
    # (areas, KPIs, their rows): the same for 10 KPIs as for 2,000 (one by one, 2,000 took
    # some 9,000 queries).
    assert len(queries) - len(inserts) == 9
    # Areas, KPIs and their rows in the open return, each with its history: one INSERT each on
    # PostgreSQL; SQLite takes at most 999 parameters a query, so there it splits them.
    if connection.vendor == "postgresql":
        assert len(inserts) == 6
    assert len(written.added) == count and len(written.areas) == 7
    kpis = Kpi.objects.filter(contract=contract)
    assert kpis.count() == count
    assert Kpi.history.filter(contract=contract, history_user=manager).count() == count
    readings = Reading.objects.filter(kpi__contract=contract, period__end_date=OPEN_QUARTER)
    assert readings.count() == count
    assert (
        Reading.history.filter(
            kpi__contract=contract, history_change_reason="KPI added to the contract"
        ).count()
        == count
    )


def test_it_imports_the_browsers_limit_of_new_kpis_through_the_pages(
    client, seed, manager, officer
):
    contract = _contract_with_an_open_return("BIG", manager, officer)
    version = contract.data_version
    client.force_login(manager)
    content = to_csv(_rows(WEB_ROWS))
    preview = client.post(
        UPLOAD.format(code="BIG"), {"file": SimpleUploadedFile("big.csv", content)}
    )
    assert preview.status_code == 200
    token = preview.context["confirm_form"]["token"].value()
    done = client.post(CONFIRM.format(code="BIG"), {"token": token})
    assert done.status_code == 302
    assert Kpi.objects.filter(contract=contract).count() == WEB_ROWS
    assert f"Imported big.csv: {WEB_ROWS} KPIs added, 7 service areas created." in (
        client.get(done["Location"]).content.decode()
    )
    contract.refresh_from_db()
    assert contract.data_version > version


def test_it_refuses_more_rows_than_the_browser_takes_and_points_to_the_command_line(
    client, seed, manager, officer
):
    contract = _contract_with_an_open_return("BIG", manager, officer)
    before = definitions_state()
    client.force_login(manager)
    content = to_csv(_rows(WEB_ROWS + 1))
    response = client.post(
        UPLOAD.format(code="BIG"), {"file": SimpleUploadedFile("big.csv", content)}
    )
    assert response.status_code == 400
    assert (
        "The file has more than 2,000 rows of KPIs. The browser takes up to 2,000: ask an "
        "administrator to import a bigger file from the command line (python manage.py "
        "import_kpis FILE --contract CODE), which takes up to 20,000."
    ) in response.content.decode()
    assert definitions_state() == before
    assert not Kpi.objects.filter(contract=contract).exists()


def test_it_refuses_more_changes_of_target_than_the_browser_takes(client, seed, manager, officer):
    contract = _contract_with_an_open_return("BIG", manager, officer)
    rows = _rows(WEB_RULE_CHANGES + 1)
    import_definitions(preview=preview_of(contract, manager, to_csv(rows)), user=manager)
    before = definitions_state()
    client.force_login(manager)
    content = to_csv([{**r, "Target": "91"} for r in rows])
    response = client.post(
        UPLOAD.format(code="BIG"), {"file": SimpleUploadedFile("big.csv", content)}
    )
    assert response.status_code == 400
    assert (
        "The file changes the target or thresholds of 101 KPIs: the browser takes up to 100 at "
        "once. Import it in smaller files, or ask an administrator to import it from the "
        "command line"
    ) in response.content.decode()
    assert definitions_state() == before


def test_the_command_line_takes_more_than_the_browser(tmp_path, seed, manager, officer):
    contract = _contract_with_an_open_return("BIG", manager, officer)
    path = tmp_path / "big.csv"
    path.write_bytes(to_csv(_rows(WEB_ROWS + 500)))
    out = io.StringIO()
    call_command(
        "import_kpis",
        str(path),
        "--contract=BIG",
        "--user=manager",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert f"Imported: {WEB_ROWS + 500} KPIs added, 0 changed." in out.getvalue()
    assert Kpi.objects.filter(contract=contract).count() == WEB_ROWS + 500
    assert COMMAND_ROWS > WEB_ROWS + 500


def test_it_writes_no_new_kpi_when_a_change_of_target_is_refused(seed, manager, officer):
    ict = seed["ICT"]
    opening.open_return(contract=ict, end_date=OPEN_QUARTER, user=officer)
    rows = rows_of(ict)
    rows[2]["Target"] = "88"
    preview = preview_of(ict, manager, to_csv([*rows, *_rows(50)]))
    assert preview.ok and len(preview.new_rows) == 50
    before = (definitions_state(), Reading.objects.count(), Reading.history.count())
    with pytest.raises(Exception, match="approved and locked"):
        import_definitions(
            preview=preview,
            user=manager,
            reason="Renegotiated",
            effective_from=datetime.date(2019, 9, 30),
        )
    assert (definitions_state(), Reading.objects.count(), Reading.history.count()) == before
