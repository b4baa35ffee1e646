"""Building definitions files for the KPI definitions import tests."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from contracts.models import Contract, ServiceArea
from kpis.imports.definitions.columns import COLUMNS
from kpis.imports.definitions.preview import DefinitionsPreview, build_preview
from kpis.imports.definitions.template import template_csv, template_xlsx
from kpis.models import Kpi, RuleChange

HEADER = list(COLUMNS)


def rows_of(contract: Contract) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(template_csv(contract))))


def to_csv(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def row(**cells: str) -> dict[str, str]:
    """A new KPI's row: a monthly percentage, higher is better, target 90, in area NEW."""
    base = {
        "Reference": "N-1",
        "Description": "A new KPI",
        "Service area code": "NEW",
        "Service area name": "New area",
        "Frequency": "Monthly",
        "Unit": "Percentage",
        "Direction": "Higher is better",
        "Target": "90",
        "Strict target": "no",
        "Detriment threshold": "",
        "Failure threshold": "",
        "Threshold basis": "Figures",
        "Notes": "",
    }
    return {**base, **{name.replace("_", " ").capitalize(): v for name, v in cells.items()}}


def edit_xlsx(contract: Contract, changes: dict[tuple[str, str], object]) -> bytes:
    """The Excel template with cells typed over, by (KPI reference, column)."""
    book = load_workbook(io.BytesIO(template_xlsx(contract)))
    sheet = book.active
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        for (reference, column), value in changes.items():
            if str(cell.value) == reference:
                sheet.cell(row=cell.row, column=HEADER.index(column) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview_of(contract: Contract, user, content: bytes, name: str = "kpis.csv"):
    preview: DefinitionsPreview = build_preview(
        contract=contract, user=user, content=content, filename=name
    )
    return preview


def definitions_state() -> tuple:
    """Every KPI, service area and rule change, and history counts: what a refused import must
    leave as it was."""
    return (
        sorted(Kpi.objects.values_list()),
        sorted(ServiceArea.objects.values_list()),
        sorted(RuleChange.objects.values_list("id", "kpi_id", "effective_from")),
        Kpi.history.count(),
        ServiceArea.history.count(),
    )
