"""The template to fill in: one row per KPI of a contract for a quarter, with what is held now.

Rows carry the current figure, reason and commentary, so that a template sent back unchanged
changes nothing, and the target in force, as a reminder (the importer ignores that column).

A monthly KPI's row is followed by a row for each of the quarter's three months (Month filled
in), with the months held. Beneath its quarter's row rather than in extra columns, so that a
month has the same Figure, Not measured and Reason columns as a quarter, and only monthly KPIs
have its rows. Where months are held the quarter's row leaves Figure empty: its figure is worked
out from them, and a figure typed there beside the months is refused.
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
from kpis.models import Kpi, MonthlyFigure, Reading
from kpis.reads.exports import plain_number, safe_text
from kpis.rules import rollup

# The columns the spreadsheet keeps as numbers.
NUMBER_COLUMNS = {COLUMNS.index(name) for name in ("Figure", "Numerator", "Denominator")}


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
        for r in Reading.objects.for_contract(contract)
        .filter(period__end_date=end_date)
        .prefetch_related("months")
    }
    rows = []
    for kpi in kpis:
        reading = readings.get(kpi.pk)
        rule = kpi.rule_for(end_date, reading.target_override if reading else None)
        target = rule.target
        months = list(reading.months.all()) if reading else []
        # With months held, the quarter's figure is theirs: it is left out of its row.
        quarter = reading if reading and not months else None
        rows.append(
            [
                contract.code,
                end_date.isoformat(),
                kpi.reference,
                kpi.description,
                kpi.unit.label,
                # A target of 0 (at most 0 failures) is a target: only a KPI without one is blank.
                ("< " if rule.strict else "") + plain_number(target) if target is not None else "",
                plain_number(quarter.value) if quarter else "",
                "yes" if quarter and quarter.not_measured_reason else "",
                quarter.not_measured_reason if quarter else "",
                reading.commentary if reading else "",
                "",
                "",
                "",
            ]
        )
        if kpi.is_monthly:
            held = {figure.month_end: figure for figure in months}
            rows.extend(
                _month_row(contract, end_date, kpi, end, held.get(end))
                for end in rollup.quarter_months(end_date)
            )
    return rows


def _month_row(
    contract: Contract,
    end_date: datetime.date,
    kpi: Kpi,
    month_end: datetime.date,
    figure: MonthlyFigure | None,
) -> list[str]:
    parts = figure is not None and figure.numerator is not None
    # A month given as parts has its figure (and a zero denominator's reason) worked out again.
    shown = figure if figure is not None and not parts else None
    return [
        contract.code,
        end_date.isoformat(),
        kpi.reference,
        kpi.description,
        kpi.unit.label,
        "",
        plain_number(shown.value) if shown else "",
        "yes" if shown and shown.not_measured_reason else "",
        shown.not_measured_reason if shown else "",
        "",
        f"{month_end:%b %Y}",
        plain_number(figure.numerator) if parts and figure else "",
        plain_number(figure.denominator) if parts and figure else "",
    ]


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
    for row in template_rows(contract, end_date):
        sheet.append([Decimal(v) if i in NUMBER_COLUMNS and v else v for i, v in enumerate(row)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                # Text stays text: a commentary starting with "=" is not a formula.
                cell.data_type = "s"
    widths = [10, 12, 14, 60, 18, 10, 10, 13, 24, 60, 10, 12, 12]
    for column, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
