"""Every bad file is refused with its message, and leaves the database exactly as it was."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from kpis.imports.parse import COLUMNS, MAX_BYTES
from kpis.imports.write import prepare_import
from tests.kpis.import_files import LOCKED_QUARTER, OPEN_QUARTER, database_state, rows_of, to_csv


def _ict_row(seed, reference: str, **cells) -> dict:
    row = next(r for r in rows_of(seed["ICT"]) if r["KPI reference"] == reference)
    row.update(cells)
    return row


def _xlsx_with_header(header: list[str]) -> bytes:
    book = Workbook()
    book.active.append(header)
    book.active.append(["ICT", "2019-12-31", "3"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_ROWS = {
    "unknown KPI": (
        lambda seed: to_csv([_ict_row(seed, "3", **{"KPI reference": "99", "Figure": "95"})]),
        (2, "ICT has no KPI with the reference '99'."),
    ),
    "duplicate row": (
        lambda seed: to_csv([_ict_row(seed, "3", Figure="95"), _ict_row(seed, "3", Figure="96")]),
        (3, "KPI 3 is in the file twice: also on line 2."),
    ),
    "text for a number": (
        lambda seed: to_csv([_ict_row(seed, "3", Figure="about ninety")]),
        (2, "'about ninety' is not a number."),
    ),
    "percent above 100": (
        lambda seed: to_csv([_ict_row(seed, "3", Figure="101")]),
        (2, "A percentage must be between 0 and 100."),
    ),
    "not measured without a reason": (
        lambda seed: to_csv([_ict_row(seed, "3", **{"Not measured": "yes"})]),
        (2, "Give the reason it was not measured"),
    ),
    "a row for another quarter": (
        lambda seed: to_csv([_ict_row(seed, "3", Figure="95", **{"Quarter end": "2019-09-30"})]),
        (2, "This row is for the quarter ending 2019-09-30"),
    ),
}

BAD_FILES = {
    "empty file": (b"", "x.csv", "The file is empty."),
    "blank lines only": (b"\r\n\r\n", "x.csv", "The file is empty."),
    "header and no rows": (",".join(COLUMNS).encode(), "x.csv", "no rows of figures"),
    "oversized file": (b"a" * (MAX_BYTES + 1), "x.csv", "must be smaller than 1 MB"),
    "not UTF-8": (
        ",".join(COLUMNS).encode() + b"\r\nICT,2019-12-31,3,\xe9t\xe9\r\n",
        "x.csv",
        "not UTF-8",
    ),
    "a PDF": (b"%PDF-1.4 binary", "report.pdf", "not a spreadsheet"),
    "a PDF named .xlsx": (b"%PDF-1.4 binary", "report.xlsx", "not a spreadsheet"),
    "damaged zip": (b"PK\x03\x04broken", "x.xlsx", "not a spreadsheet"),
    "old Excel": (b"\xd0\xcf\x11\xe0", "x.xls", "Older Excel files"),
    "wrong CSV header": (
        b"KPI,Value\r\n3,95\r\n",
        "x.csv",
        "The first line must be the template's header",
    ),
    "wrong Excel header": (
        _xlsx_with_header(["Contract", "Quarter", "KPI"]),
        "x.xlsx",
        "The first line must be the template's header",
    ),
}


def _preview(seed, officer, content, filename, end_date=OPEN_QUARTER):
    return prepare_import(
        contract=seed["ICT"],
        end_date=end_date,
        user=officer,
        content=content,
        filename=filename,
        today=OPEN_QUARTER,
    )


@pytest.mark.parametrize("case", BAD_ROWS)
def test_it_refuses_a_bad_row_with_its_line_and_message(seed, officer, case):
    make, (line, message) = BAD_ROWS[case]
    preview = _preview(seed, officer, make(seed), "bad.csv")
    assert not preview.ok
    assert any(at == line and message in text for at, text in preview.problems), preview.problems


@pytest.mark.parametrize("case", BAD_FILES)
def test_it_refuses_a_bad_file_with_its_message(seed, officer, case):
    content, filename, message = BAD_FILES[case]
    preview = _preview(seed, officer, content, filename)
    assert not preview.ok
    assert any(message in text for _, text in preview.problems), preview.problems


def test_it_refuses_a_locked_quarter(seed, officer):
    content = to_csv(rows_of(seed["ICT"], LOCKED_QUARTER))
    preview = _preview(seed, officer, content, "q1.csv", end_date=LOCKED_QUARTER)
    assert (None, preview.problems[0][1]) == preview.problems[0]
    assert "approved and is locked" in preview.problems[0][1]


def test_it_refuses_someone_not_assigned_to_the_contract(seed, outsider, committee_member):
    content = to_csv([_ict_row(seed, "3", Figure="95")])
    for user in (outsider, committee_member):
        preview = _preview(seed, user, content, "x.csv")
        assert preview.problems == [(None, "You cannot enter figures for this contract.")]


def _bad_files(seed):
    for make, _ in BAD_ROWS.values():
        yield make(seed), "bad.csv", OPEN_QUARTER
    for content, filename, _ in BAD_FILES.values():
        yield content, filename, OPEN_QUARTER
    yield to_csv(rows_of(seed["ICT"], LOCKED_QUARTER)), "q1.csv", LOCKED_QUARTER


def test_it_leaves_the_database_untouched_for_every_bad_file(seed, officer, tmp_path):
    before = database_state()
    for number, (content, filename, end_date) in enumerate(_bad_files(seed)):
        path = tmp_path / f"{number}-{filename}"
        path.write_bytes(content)
        err = io.StringIO()
        with pytest.raises(CommandError, match="nothing was imported"):
            call_command(
                "import_readings",
                str(path),
                "--contract=ICT",
                f"--period={end_date}",
                "--user=officer",
                stdout=io.StringIO(),
                stderr=err,
            )
        assert err.getvalue().strip(), filename
        assert database_state() == before, filename
