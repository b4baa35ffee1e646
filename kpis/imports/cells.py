"""What a cell of a figures file says: yes or no, a figure as documents print it, a target, a
month or a day, a month's numerator or denominator.

Each reads one cell alone (a figure or a target in the unit it is given) and gives the value, or
the problem to show beside the row's line. Putting a row together is `kpis.imports.rows`'s,
checking a KPI's months together `kpis.imports.months`'s, and judging the rows against what is
held `kpis.imports.preview`'s; kept apart, the rules for reading a cell are in one short place.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from kpis.imports.parse import Cell
from kpis.imports.parse import cell_text as _text
from kpis.models import Unit
from kpis.models.unit import read_printed
from kpis.rules import rollup
from kpis.rules.numbers import NotANumber, read_number

YES = {"yes", "y", "true", "x", "1"}
NO = {"", "no", "n", "false", "0"}
# The database keeps 12 digits, 4 of them after the point.
MAX_PLACES = 4
MAX_WHOLE = Decimal(10) ** 8


def parse_month(text: str) -> datetime.date | None:
    """The last day of the month written as "Apr 2024", "April 2024" or "2024-04-30"."""
    for pattern in ("%b %Y", "%B %Y"):
        try:
            day = datetime.datetime.strptime(" ".join(text.split()), pattern).date()
        except ValueError:
            continue
        return rollup.month_end(day.year, day.month)
    typed = parse_day(text)
    if typed is None:
        return None
    end = rollup.month_end(typed.year, typed.month)
    # Excel keeps "Apr 2024" typed into a cell as the date 1 April 2024.
    return end if typed in (end, end.replace(day=1)) else None


def parse_part(cell: Cell, column: str) -> tuple[Decimal | None, str]:
    """A numerator or denominator: a count (calls, visits), read as every typed number is."""
    text = _text(cell)
    if not text:
        return None, ""
    try:
        number = cell if isinstance(cell, Decimal) else read_number(text)
    except NotANumber as refused:
        return None, f"In '{column}', {refused.message[0].lower()}{refused.message[1:]}"
    value, problem = parse_figure(number, None)
    return value, f"In '{column}', {problem[0].lower()}{problem[1:]}" if problem else ""


def parse_day(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_figure(
    cell: Cell, unit: Unit | None, whose: str = "the KPI"
) -> tuple[Decimal | None, str]:
    """A figure as documents print it (1,150; 3,289 tonnes; £1,200; 95%), in `unit` where the
    row's KPI is known: `Unit.read_figure`, as every typed figure is read."""
    if isinstance(cell, Decimal):
        value = cell
    else:
        text = _text(cell)
        if not text:
            return None, ""
        try:
            value = unit.read_figure(text, whose) if unit else read_printed(text, None)
        except NotANumber as problem:
            advice = (
                " Give the figure alone, such as 95.5, or leave it empty and give the reason it "
                "was not measured."
            )
            return None, problem.message + (advice if problem.message.endswith("a number.") else "")
    if not value.is_finite():
        return None, "The figure is not a number."
    if abs(value) >= MAX_WHOLE:
        return None, "The figure is too large."
    if value != value.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding="ROUND_DOWN"):
        return None, f"Give the figure to at most {MAX_PLACES} decimal places."
    return value, ""


# The template writes a strict target as "< 5"; strictness is the KPI's, so the sign is read past.
_COMPARISON = re.compile(r"^(<=|>=|[<>≤≥])\s*")


def parse_target(cell: Cell, unit: Unit | None) -> tuple[Decimal | None, str]:
    if isinstance(cell, Decimal):
        return parse_figure(cell, None)
    text = _COMPARISON.sub("", _text(cell))
    value, problem = parse_figure(text, unit)
    if problem:
        return None, (
            f"In 'Target', give the quarter's target as a number, such as 90, or leave it as "
            f"the template gives it: {problem[0].lower()}{problem[1:]}"
        )
    return value, ""
