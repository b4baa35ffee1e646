"""The definitions template: a contract's KPIs as held, one to a row, so that a template sent back
unchanged changes nothing; for a contract with none yet, one example row of each kind."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from contracts.models import Contract
from kpis.choices import Direction, Frequency, Rollup, ThresholdBasis
from kpis.imports.definitions import columns as c
from kpis.imports.definitions.preview import shown
from kpis.models import Kpi, Unit
from kpis.reads.exports import safe_text

NUMBER_COLUMNS = {c.TARGET, c.DETRIMENT, c.FAILURE}
WIDTHS = [14, 60, 12, 30, 12, 20, 18, 10, 10, 12, 12, 16, 40, 14, 14, 24, 24, 24]


def template_rows(contract: Contract, units: list[Unit] | None = None) -> list[list[str]]:
    kpis = (
        Kpi.objects.for_contract(contract).in_report_order().select_related("service_area", "unit")
    )
    units = c.unit_choices(contract) if units is None else units
    rows = [
        [
            kpi.reference,
            kpi.description,
            kpi.service_area.code,
            kpi.service_area.name,
            shown("frequency", kpi.frequency),
            c.unit_text(kpi.unit, units),
            shown("direction", kpi.direction),
            shown("target", kpi.target),
            shown("target_strict", kpi.target_strict),
            shown("detriment", kpi.detriment),
            shown("failure", kpi.failure),
            shown("threshold_basis", kpi.threshold_basis),
            kpi.notes,
            shown("measured_from", kpi.measured_from),
            shown("retired_after", kpi.retired_after),
            shown("rollup", kpi.rollup),
            kpi.numerator_label,
            kpi.denominator_label,
            shown("published", kpi.published),
        ]
        for kpi in kpis
    ]
    return rows or [list(example) for example in c.EXAMPLES]


def template_filename(contract: Contract, extension: str) -> str:
    return f"{contract.code}-kpis.{extension}"


def template_csv(contract: Contract) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(c.COLUMNS)
    writer.writerows([safe_text(cell) for cell in row] for row in template_rows(contract))
    return out.getvalue()


def template_xlsx(contract: Contract) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{contract.code} KPIs"[:31]
    sheet.append(c.COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    numbers = {i for i, name in enumerate(c.COLUMNS) if name in NUMBER_COLUMNS}
    units = c.unit_choices(contract)
    for row in template_rows(contract, units):
        sheet.append([Decimal(v) if i in numbers and v else v for i, v in enumerate(row)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                # Text stays text: a description starting with "=" is not a formula.
                cell.data_type = "s"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _offer_choices(sheet, units)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Excel keeps a list of choices to 255 characters, with commas between them.
CHOICES_LENGTH = 255
LISTED_ROWS = 2000


def _offer_choices(sheet, units: list[Unit]) -> None:
    """Drop-down lists for the columns that take one of a few words; others may still be typed
    (the import reads values as well as labels)."""
    lists = {
        c.FREQUENCY: Frequency.labels,
        c.UNIT: [c.unit_text(unit, units) for unit in units],
        c.DIRECTION: Direction.labels,
        c.STRICT: ["yes", "no"],
        c.BASIS: ThresholdBasis.labels,
        c.ROLLUP: Rollup.labels,
    }
    for column, labels in lists.items():
        formula = '"' + ",".join(labels) + '"'
        if any("," in label or '"' in label for label in labels) or len(formula) > CHOICES_LENGTH:
            continue
        letter = get_column_letter(c.COLUMNS.index(column) + 1)
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.showErrorMessage = False
        validation.add(f"{letter}2:{letter}{LISTED_ROWS}")
        sheet.add_data_validation(validation)
