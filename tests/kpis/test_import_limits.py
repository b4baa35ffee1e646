"""Crafted spreadsheets, tiny but costly to read, are refused before openpyxl reads them."""

import io
import zipfile

import pytest

from kpis.imports.parse import MAX_BYTES, FileProblem, read_rows
from tests.kpis.import_files import OPEN_QUARTER, fill_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
        '<sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _xlsx(rows: str, dimension: str = "", prolog: str = "") -> bytes:
    """A minimal workbook whose one sheet holds `rows` (the XML inside <sheetData>)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f'{prolog}<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


HEADER_CELL = '<c r="A1" t="inlineStr"><is><t>Contract</t></is></c>'
CRAFTED = {
    "a dimension of the whole sheet, with one far cell": (
        _xlsx(
            f'<row r="1">{HEADER_CELL}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            dimension="A1:XFD1048576",
        ),
        "a sheet says it spans 16,384 columns and 1,048,576 rows",
    ),
    "one row of 1.3 million empty cells": (
        _xlsx('<row r="1">' + "<c/>" * 1_300_000 + "</row>"),
        "row 1 has more than 200 cells",
    ),
    "a far cell on every row, and no dimension": (
        _xlsx("".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(1, 2002))),
        "it has a cell in column XFD",
    ),
    "more rows than any template": (
        _xlsx("<row><c><v>1</v></c></row>" * 20_000),
        "a sheet has more than 5,000 rows",
    ),
    "more cells than any template, in rows of sane width": (
        _xlsx(("<row>" + "<c><v>1</v></c>" * 150 + "</row>") * 400),
        "it holds more than 50,000 cells",
    ),
}


@pytest.mark.parametrize("case", CRAFTED)
def test_it_refuses_a_crafted_spreadsheet_before_reading_it(case):
    content, reason = CRAFTED[case]
    assert len(content) < MAX_BYTES
    with pytest.raises(FileProblem) as refused:
        read_rows(content, "figures.xlsx")
    assert refused.value.message.startswith(
        f"The spreadsheet is far bigger than the template: {reason}. The template has 13 columns"
    )


def test_it_refuses_a_sheet_that_declares_entities():
    laughs = '<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    content = _xlsx(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>', prolog=laughs
    )
    with pytest.raises(FileProblem, match="not a spreadsheet that can be read"):
        read_rows(content, "figures.xlsx")


def test_it_still_reads_a_filled_in_template(seed):
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"3": 95})
    rows = read_rows(content, "figures.xlsx")
    assert any(row.cells["KPI reference"] == "3" for row in rows)


def test_it_says_next_to_the_upload_why_a_crafted_file_is_refused(client, officer, seed):
    client.force_login(officer)
    content, reason = CRAFTED["one row of 1.3 million empty cells"]
    upload = io.BytesIO(content)
    upload.name = "figures.xlsx"
    response = client.post(
        "/contracts/ICT/import/", {"quarter": OPEN_QUARTER.isoformat(), "file": upload}
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('class="govuk-form-group govuk-form-group--error"') :]
    assert reason in field[: field.index('type="file"')]


@pytest.mark.parametrize("size", [MAX_BYTES + 1, 60_000_000])
def test_it_reports_a_big_files_real_size(size):
    with pytest.raises(FileProblem) as refused:
        read_rows(b"a" * (MAX_BYTES + 1), "figures.csv", size=size)
    shown = "1.0" if size < 10_000_000 else "60"
    assert refused.value.message.startswith(f"The file is {shown} MB: it must be smaller than 1 MB")
