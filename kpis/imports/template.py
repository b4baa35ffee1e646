"""The template to fill in: one row per KPI of a contract for a quarter, with what is held now.

Rows carry the current figure, reason and commentary, so that a template sent back unchanged
changes nothing, and the target in force, as a reminder (the importer ignores that column).
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from contracts.models import Contract
from kpis.imports.parse import COLUMNS
from kpis.models import Kpi, Reading
from kpis.reads.exports import plain_number, safe_text


def template_rows(contract: Contract, end_date: datetime.date) -> list[list[str]]:
    # Only the KPIs in force that quarter: the others are never offered for entry.
    kpis = (
        Kpi.objects.for_contract(contract)
        .in_force_at(end_date)
        .in_report_order()
        .select_related("unit")
        .prefetch_related("rule_changes")
    )
    readings = {
        r.kpi_id: r
        for r in Reading.objects.for_contract(contract).filter(period__end_date=end_date)
    }
    rows = []
    for kpi in kpis:
        reading = readings.get(kpi.pk)
        rule = kpi.rule_for(end_date, reading.target_override if reading else None)
        target = rule.target
        rows.append(
            [
                contract.code,
                end_date.isoformat(),
                kpi.reference,
                kpi.description,
                kpi.unit.label,
                ("< " if rule.strict else "") + plain_number(target) if target else "",
                plain_number(reading.value) if reading else "",
                "yes" if reading and reading.not_measured_reason else "",
                reading.not_measured_reason if reading else "",
                reading.commentary if reading else "",
            ]
        )
    return rows


def template_filename(contract: Contract, end_date: datetime.date, extension: str) -> str:
    return f"{contract.code}-{end_date.isoformat()}-figures.{extension}"


def template_csv(contract: Contract, end_date: datetime.date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([safe_text(cell) for cell in row] for row in template_rows(contract, end_date))
    return out.getvalue()


def template_xlsx(contract: Contract, end_date: datetime.date) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{contract.code} {end_date.isoformat()}"[:31]
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    figure = COLUMNS.index("Figure")
    for row in template_rows(contract, end_date):
        sheet.append([Decimal(v) if i == figure and v else v for i, v in enumerate(row)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                # Text stays text: a commentary starting with "=" is not a formula.
                cell.data_type = "s"
    widths = [10, 12, 14, 60, 18, 10, 10, 13, 24, 60]
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
