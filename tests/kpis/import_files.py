"""Building filled-in templates for the import tests."""

from __future__ import annotations

import csv
import datetime
import io

from openpyxl import load_workbook

from contracts.models import Contract
from kpis.imports.parse import COLUMNS
from kpis.imports.template import template_csv, template_xlsx
from kpis.models import QuarterlyReturn, Reading

OPEN_QUARTER = datetime.date(2019, 12, 31)
LOCKED_QUARTER = datetime.date(2018, 6, 30)


def rows_of(
    contract: Contract, end_date: datetime.date = OPEN_QUARTER, *, months: bool = False
) -> list[dict[str, str]]:
    """The CSV template's rows; without `months`, only each KPI's quarter row (Month empty): a
    file without a monthly KPI's month rows leaves its months as they are."""
    rows = list(csv.DictReader(io.StringIO(template_csv(contract, end_date))))
    return rows if months else [row for row in rows if not row["Month"]]


def to_csv(rows: list[dict[str, str]], header: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def fill_xlsx(contract: Contract, end_date: datetime.date, figures: dict[str, object]) -> bytes:
    """The Excel template with figures typed into it, by KPI reference."""
    book = load_workbook(io.BytesIO(template_xlsx(contract, end_date)))
    sheet = book.active
    figure = COLUMNS.index("Figure") + 1
    month = COLUMNS.index("Month") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        # The quarter's row of each KPI; a monthly KPI's month rows (Month filled in) follow it.
        if cell.value in figures and not sheet.cell(row=cell.row, column=month).value:
            sheet.cell(row=cell.row, column=figure, value=figures[cell.value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def database_state() -> tuple:
    """Rows and history counts, and every figure: what a refused import must leave as it was."""
    return (
        Reading.objects.count(),
        Reading.history.count(),
        QuarterlyReturn.objects.count(),
        QuarterlyReturn.history.count(),
        sorted(
            Reading.objects.values_list(
                "id", "value", "not_measured_reason", "commentary", "version"
            )
        ),
    )
