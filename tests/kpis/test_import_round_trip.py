from decimal import Decimal

import pytest

from kpis.imports.write import import_readings, prepare_import
from kpis.models import Reading
from tests.kpis.import_files import OPEN_QUARTER, fill_xlsx, rows_of, to_csv


def _import(contract, user, content: bytes, filename: str, today=None):
    preview = prepare_import(
        contract=contract,
        end_date=OPEN_QUARTER,
        user=user,
        content=content,
        filename=filename,
        today=today or OPEN_QUARTER,
    )
    assert preview.ok, preview.problems
    return preview, import_readings(preview=preview, user=user)


def _figures(contract) -> dict[str, Decimal | None]:
    return dict(
        Reading.objects.filter(kpi__contract=contract, period__end_date=OPEN_QUARTER).values_list(
            "kpi__reference", "value"
        )
    )


def test_it_imports_a_filled_csv_template_as_the_file_says(seed, officer):
    ict = seed["ICT"]
    rows = rows_of(ict)
    assert [r["KPI reference"] for r in rows][:3] == ["1", "2", "3"]
    for i, row in enumerate(rows):
        row["Figure"] = str(90 + i % 10)
        row["Commentary"] = "Recovery plan agreed"
    _import(ict, officer, to_csv(rows), "ict-q1.csv")
    figures = _figures(ict)
    assert figures == {r["KPI reference"]: Decimal(r["Figure"]) for r in rows}


def test_it_imports_a_filled_excel_template_as_the_file_says(seed, officer):
    ict = seed["ICT"]
    wanted = {"1": 0, "3": 99.5, "8": 90.25}
    preview, written = _import(ict, officer, fill_xlsx(ict, OPEN_QUARTER, wanted), "ict.xlsx")
    assert {r.reference for r in preview.changed_rows} == set(wanted)
    figures = _figures(ict)
    for reference, value in wanted.items():
        assert figures[reference] == Decimal(str(value))
    assert len(written) == 3


def test_it_changes_nothing_when_the_same_file_comes_twice(seed, officer):
    ict = seed["ICT"]
    content = fill_xlsx(ict, OPEN_QUARTER, {"1": 0, "3": 97})
    _import(ict, officer, content, "ict.xlsx")
    history = Reading.history.count()
    versions = list(Reading.objects.values_list("id", "version"))
    preview, written = _import(ict, officer, content, "ict.xlsx")
    assert written == []
    assert preview.changed_rows == []
    assert Reading.history.count() == history
    assert list(Reading.objects.values_list("id", "version")) == versions


def test_it_records_who_imported_and_from_which_file(seed, officer):
    ict = seed["ICT"]
    _import(ict, officer, fill_xlsx(ict, OPEN_QUARTER, {"3": 99.5}), "ICT June 2019.xlsx")
    reading = Reading.objects.get(
        kpi__contract=ict, kpi__reference="3", period__end_date=OPEN_QUARTER
    )
    latest = reading.history.latest()
    assert latest.history_user == officer
    assert latest.history_change_reason == "Imported from ICT June 2019.xlsx"


def test_it_sends_back_a_downloaded_template_unchanged_as_no_change(seed, officer):
    pssp = seed["PSSP"]
    _import(pssp, officer, to_csv(rows_of(pssp)), "blank.csv")
    history = Reading.history.count()
    _, written = _import(pssp, officer, to_csv(rows_of(pssp)), "again.csv")
    assert written == []
    assert Reading.history.count() == history


@pytest.mark.parametrize("text", ["95.5%", " 95.5 ", "95.50"])
def test_it_reads_a_percentage_written_with_its_sign_or_spaces(seed, officer, text):
    ict = seed["ICT"]
    rows = [r for r in rows_of(ict) if r["Unit"] == "Percentage"][:1]
    rows[0]["Figure"] = text
    rows[0]["Commentary"] = "Noted"
    _import(ict, officer, to_csv(rows), "one.csv")
    assert _figures(ict)[rows[0]["KPI reference"]] == Decimal("95.5")
