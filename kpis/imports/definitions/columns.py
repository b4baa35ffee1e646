"""The definitions template's columns, and how each cell's words become a KPI's values.

Frequency, unit, direction and roll-up are written with their labels ("Monthly", "Percentage",
"Higher is better", "Sum of the months") and read by label or by value, in any case.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import models

from contracts.models import Contract
from kpis.choices import Direction, Frequency, Rollup, ThresholdBasis
from kpis.imports.cells import MAX_PLACES, MAX_WHOLE, NO, YES
from kpis.imports.parse import Cell, Layout, cell_text
from kpis.models import Unit
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end, quarter_end_for
from kpis.models.unit import KIND_WORDS, UnitKind, find_unit, read_printed, unit_word
from kpis.rules.numbers import NotANumber

REFERENCE = "Reference"
DESCRIPTION = "Description"
AREA_CODE = "Service area code"
AREA_NAME = "Service area name"
FREQUENCY = "Frequency"
UNIT = "Unit"
DIRECTION = "Direction"
TARGET = "Target"
STRICT = "Strict target"
DETRIMENT = "Detriment threshold"
FAILURE = "Failure threshold"
BASIS = "Threshold basis"
NOTES = "Notes"
MEASURED_FROM = "Measured from"
RETIRED_AFTER = "Retired after"
ROLLUP = "Roll-up"
NUMERATOR = "Numerator"
DENOMINATOR = "Denominator"
# Section 52 of the Procurement Act 2023: one of the KPIs the contract publishes.
PUBLISHED = "Published KPI"

COLUMNS = (
    REFERENCE,
    DESCRIPTION,
    AREA_CODE,
    AREA_NAME,
    FREQUENCY,
    UNIT,
    DIRECTION,
    TARGET,
    STRICT,
    DETRIMENT,
    FAILURE,
    BASIS,
    NOTES,
    MEASURED_FROM,
    RETIRED_AFTER,
    ROLLUP,
    NUMERATOR,
    DENOMINATOR,
    PUBLISHED,
)
LAYOUT = Layout(
    columns=COLUMNS,
    rows_are="KPIs",
    upload_advice="Upload the template with the contract's KPIs, one to a row.",
)

# The KPI's field each column sets, for messages from the model's own rules.
COLUMN_OF_FIELD = {
    "reference": REFERENCE,
    "description": DESCRIPTION,
    "service_area": AREA_CODE,
    "frequency": FREQUENCY,
    "unit": UNIT,
    "direction": DIRECTION,
    "target": TARGET,
    "target_strict": STRICT,
    "detriment": DETRIMENT,
    "failure": FAILURE,
    "threshold_basis": BASIS,
    "notes": NOTES,
    "measured_from": MEASURED_FROM,
    "retired_after": RETIRED_AFTER,
    "rollup": ROLLUP,
    "numerator_label": NUMERATOR,
    "denominator_label": DENOMINATOR,
    "published": PUBLISHED,
}

# The example rows of a contract's first template: one for each kind of KPI. Their references
# are refused on import, so that an example sent back by mistake never becomes a KPI.
EXAMPLES = [
    ["EXAMPLE-1", "Calls answered within 20 seconds", "CS", "Customer services", "Monthly",
     "Percentage", "Higher is better", "90", "no", "87", "84", "Figures",
     "Detriment at 87% or below, failure at 84% or below; each month's calls counted",
     "", "", "Recomputed from the months' parts", "calls answered within 20 seconds",
     "calls offered", "yes"],
    ["EXAMPLE-2", "Missed bin collections", "WASTE", "Waste and recycling", "Quarterly",
     "Number of failures", "Lower is better", "0", "no", "1", "2", "Figures", "", "", "",
     "", "", "", "yes"],
    ["EXAMPLE-3", "Days to process a new claim", "BEN", "Benefits", "Quarterly", "Days",
     "Lower is better", "5", "yes", "10", "", "% of target",
     "Printed as '< 5': five days is a miss; amber within 10% of the target", "", "",
     "", "", "", "yes"],
    ["EXAMPLE-4", "Residual waste per household", "WASTE", "Waste and recycling", "Quarterly",
     "Kilograms", "Lower is better", "110", "no", "5", "", "Points from target",
     "Amber up to 5 kg over the target", "2023-06-30", "", "", "", "", "no"],
    ["EXAMPLE-5", "Income from commercial waste", "WASTE", "Waste and recycling", "Annual",
     "Amount in pounds", "Higher is better", "250000", "no", "", "", "Figures",
     "Retired after March 2025", "", "Mar 2025", "", "", "", "no"],
    ["EXAMPLE-6", "Resident satisfaction survey", "CS", "Customer services", "Annual", "Score",
     "", "", "no", "", "", "Figures",
     "No target (and no direction): data only, figures are recorded, not judged", "", "",
     "", "", "", "no"],
]  # fmt: skip
EXAMPLE_REFERENCES = {row[0].casefold() for row in EXAMPLES}


def unit_choices(contract: Contract) -> list[Unit]:
    """The units a KPI of this contract may have: those every contract shares, and its own."""
    return list(Unit.objects.for_contract(contract))


def resolve_unit(text: str, units: list[Unit]) -> tuple[Unit | None, str]:
    """The unit a cell names, by code, label or the words people write for it (%, £, GBP,
    tonnes: `kpis.models.unit.find_unit`), in any case; or why it names none."""
    found = find_unit(text, units)
    if found is not None:
        return found, ""
    return None, f"Unknown unit {text!r}: use one of {', '.join(u.label for u in units)}."


def unit_text(unit: Unit, units: list[Unit]) -> str:
    """A unit as the template writes it: its label, or its code where two units share a label."""
    same = [u for u in units if u.label.casefold() == unit.label.casefold()]
    return unit.label if len(same) <= 1 else unit.code


def resolve_choice(
    text: str, choices: type[models.TextChoices], what: str
) -> tuple[str | None, str]:
    """A frequency or direction by its label or value, in any case; or why it is neither."""
    wanted = text.casefold()
    for value, label in choices.choices:
        if wanted in (value.casefold(), label.casefold()):
            return value, ""
    return None, f"Unknown {what} {text!r}: use one of {', '.join(choices.labels)}."


_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%b"),
        datetime.date(2000, number, 1).strftime("%B"),
    )
}
QUARTER_ADVICE = (
    "write the quarter's last day, such as 2023-06-30 or 30/06/2023, or its month and year, "
    "such as Jun 2023; or leave it empty."
)


def parse_quarter(cell: Cell) -> tuple[datetime.date | None, str]:
    """A life span's quarter, by its last day (as the figures import writes "Quarter end") or by
    the month it ends in ("Jun 2023", "June 2023", "Jun-23"): its last day, or why it is none."""
    text = cell_text(cell)
    if not text:
        return None, ""
    day = None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    if day is None:
        found = re.fullmatch(r"([A-Za-z]+)[\s-]+(\d{2}|\d{4})", text)
        month = _MONTHS.get(found.group(1).casefold()) if found else None
        if found is None or month is None:
            return None, f"{text[:40]!r} is not a quarter: {QUARTER_ADVICE}"
        year = int(found.group(2))
        day = quarter_end_for(datetime.date(year + 2000 if year < 100 else year, month, 1))
        if day.month != month:
            return None, f"{text[:40]!r} is not the last month of a quarter: {QUARTER_ADVICE}"
    if not is_quarter_end(day):
        return None, QUARTER_END_MESSAGE
    return day, ""


def quarter_text(day: datetime.date | None) -> str:
    """A life span's quarter as the template writes it: its last day, as "Quarter end" is."""
    return day.isoformat() if day else ""


def resolve_frequency(text: str) -> tuple[str | None, str]:
    return resolve_choice(text, Frequency, "frequency")


def resolve_basis(text: str) -> tuple[str | None, str]:
    # An empty cell: thresholds given as figures, as before tolerances existed.
    if not text:
        return ThresholdBasis.ABSOLUTE.value, ""
    return resolve_choice(text, ThresholdBasis, "threshold basis")


def resolve_rollup(text: str) -> tuple[str | None, str]:
    # An empty cell: the usual for the unit and parts (`Kpi.rollup_rule`).
    if not text:
        return "", ""
    return resolve_choice(text, Rollup, "roll-up")


def resolve_direction(text: str) -> tuple[str | None, str]:
    # "Higher" and "lower" alone are clear enough too.
    short = {"higher": Direction.HIGHER.value, "lower": Direction.LOWER.value}
    if text.casefold() in short:
        return short[text.casefold()], ""
    return resolve_choice(text, Direction, "direction")


def parse_number(
    cell: Cell, unit: Unit | None = None, tolerance: bool = False
) -> tuple[Decimal | None, str]:
    """A target or threshold, as documents print it (95%, 1,150, £250,000, 110 kg) in the row's
    `unit` (any unit's words where the row names none it knows); or none. A `tolerance` (a
    threshold given as a % of the target) is written as a percentage."""
    if isinstance(cell, Decimal):
        value = cell
    else:
        text = cell_text(cell)
        if not text:
            return None, ""
        try:
            if tolerance:
                words = frozenset(unit_word(w) for w in KIND_WORDS[UnitKind.PERCENT])
                value = read_printed(text, words, "the threshold is a % of the target", "%")
            else:
                value = unit.read_figure(text) if unit else read_printed(text, None)
        except NotANumber as problem:
            advice = " Give a number such as 95.5, or leave it empty."
            return None, problem.message + (advice if problem.message.endswith("a number.") else "")
    if not value.is_finite():
        return None, "This is not a number."
    if abs(value) >= MAX_WHOLE:
        return None, "The number is too large."
    if value != value.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding="ROUND_DOWN"):
        return None, f"Give the number to at most {MAX_PLACES} decimal places."
    return value, ""


def parse_yes_no(cell: Cell) -> tuple[bool | None, str]:
    text = cell_text(cell).casefold()
    if text in YES:
        return True, ""
    if text in NO:
        return False, ""
    return None, "Write yes or no (empty is no)."
