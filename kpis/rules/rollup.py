"""How a monthly KPI's three months make its quarter's figure.

Most contracts report monthly, but the quarter stays the unit of entry, approval, scrutiny and
publication: the quarter's figure is worked out here from its months, and written on the quarter's
reading, so that every page, summary, export and the status SQL judge the quarter as before.

Pure Python with no database access, so that the return page's feedback, the services and the
admin work out the same figure from the same months, and the rules are tested on their own.

The rules (docs/rules.md says them in words):

- only the months *measured* (with a figure) take part; a month not measured (with a reason)
  is left out, and the quarter is not measured only when no month is;
- sum and average: of the months measured; last: the latest month measured; worst: the worst
  month measured in the KPI's direction;
- ratio: the sum of the months' numerators over the sum of their denominators (times 100 for a
  percentage), never the mean of the monthly rates;
- a month given as parts (numerator and denominator) has its figure computed from them, never
  typed; a zero denominator makes the month (or, for a ratio, the quarter) not measured.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kpis.choices import Direction, Rollup

# Figures are held to four decimal places (`Reading.value`, `MonthlyFigure.value`).
PLACES = Decimal("0.0001")
REASON_LENGTH = 200

DENOMINATOR_ZERO = "Denominator was zero"
NUMERATOR_ABOVE = "The {numerator} cannot be more than the {denominator} for a percentage."
NEGATIVE_PART = "The {part} cannot be negative."
BOTH_PARTS = "Give both the {numerator} and the {denominator}, or neither."

# Without parts, the unit says how months add up: things counted, weighed or paid for add up
# over a quarter; rates, times taken and scores do not, so their months are averaged. Keyed by
# `kpis.models.UnitKind`'s values, which the models hold (the rules know no model).
DEFAULT_BY_KIND = {
    "count": Rollup.SUM,
    "quantity": Rollup.SUM,
    "money": Rollup.SUM,
    "percent": Rollup.AVERAGE,
    "duration": Rollup.AVERAGE,
    "score": Rollup.AVERAGE,
}


def default_rollup(unit_kind: str, *, has_parts: bool) -> Rollup:
    """The rule a KPI follows when none is chosen: a ratio where its months come as parts,
    otherwise by its unit (sum for counts, quantities and money; average for the rest)."""
    if has_parts:
        return Rollup.RATIO
    return DEFAULT_BY_KIND.get(unit_kind, Rollup.AVERAGE)


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def quarter_months(quarter_end: datetime.date) -> list[datetime.date]:
    """The last days of the three months of the quarter ending `quarter_end`, in order."""
    months = []
    for back in (2, 1, 0):
        number = quarter_end.month - back
        months.append(month_end(quarter_end.year, number))
    return months


def month_label(month_end: datetime.date) -> str:
    """As a person names a month: "April 2024"."""
    return month_end.strftime("%B %Y")


@dataclass(frozen=True)
class Month:
    """One month as entered: a figure, or the reason there is none, or its two parts."""

    month_end: datetime.date
    value: Decimal | None = None
    not_measured_reason: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def has_parts(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def entered(self) -> bool:
        """Anything at all was given for the month."""
        return (
            self.value is not None
            or bool(self.not_measured_reason.strip())
            or self.numerator is not None
            or self.denominator is not None
        )


@dataclass(frozen=True)
class Quarter:
    """The quarter's figure, or the reason there is none; both empty when no month is entered."""

    value: Decimal | None
    not_measured_reason: str = ""
    measured: int = 0


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _rate(numerator: Decimal, denominator: Decimal, percent: bool) -> Decimal:
    rate = numerator / denominator
    return _rounded(rate * 100 if percent else rate)


def parts_problems(
    numerator: Decimal | None,
    denominator: Decimal | None,
    *,
    percent: bool,
    numerator_label: str = "numerator",
    denominator_label: str = "denominator",
) -> dict[str, str]:
    """Why these parts cannot make a month's figure, by field ('numerator', 'denominator')."""
    names = {"numerator": numerator_label, "denominator": denominator_label}
    if (numerator is None) != (denominator is None):
        missing = "numerator" if numerator is None else "denominator"
        return {missing: BOTH_PARTS.format(**names)}
    problems = {}
    for field, part in (("numerator", numerator), ("denominator", denominator)):
        if part is not None and part < 0:
            problems[field] = NEGATIVE_PART.format(part=names[field])
    if problems or numerator is None or denominator is None:
        return problems
    if percent and numerator > denominator:
        problems["numerator"] = NUMERATOR_ABOVE.format(**names)
    return problems


def month_from_parts(
    numerator: Decimal, denominator: Decimal, *, percent: bool
) -> tuple[Decimal | None, str]:
    """A month's figure from its parts, or no figure and the reason (a zero denominator).

    The parts must have passed `parts_problems`."""
    if denominator == 0:
        return None, DENOMINATOR_ZERO
    return _rate(numerator, denominator, percent), ""


def _not_measured(months: Sequence[Month]) -> str:
    """The quarter's reason when no month was measured: the months' own, named by month where
    they differ, kept to the length a reading holds."""
    reasons = [(m, m.not_measured_reason.strip()) for m in months if m.not_measured_reason.strip()]
    distinct = {reason for _, reason in reasons}
    if len(distinct) == 1:
        text = distinct.pop()
    else:
        text = "; ".join(f"{month_label(m.month_end)}: {reason}" for m, reason in reasons)
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def roll_up(months: Sequence[Month], rule: str, *, direction: str, percent: bool) -> Quarter:
    """The quarter's figure from its months by `rule` (a `Rollup`).

    `months` are the months entered (figures already computed from parts where given). No month
    entered: an empty quarter, for the caller to leave as it was entered. Some entered but none
    measured: not measured, with the months' reasons."""
    entered = sorted((m for m in months if m.entered), key=lambda m: m.month_end)
    if not entered:
        return Quarter(None)
    measured = [m for m in entered if m.measured]
    if rule == Rollup.RATIO:
        pairs = [
            (m.numerator, m.denominator)
            for m in entered
            if m.numerator is not None and m.denominator is not None
        ]
        if not pairs:
            return Quarter(None, _not_measured(entered))
        denominator = sum((d for _, d in pairs), Decimal(0))
        if denominator == 0:
            return Quarter(None, DENOMINATOR_ZERO)
        numerator = sum((n for n, _ in pairs), Decimal(0))
        return Quarter(_rate(numerator, denominator, percent), measured=len(measured))
    if not measured:
        return Quarter(None, _not_measured(entered))
    values = [m.value for m in measured if m.value is not None]
    value: Decimal
    if rule == Rollup.SUM:
        value = sum(values, Decimal(0))
    elif rule == Rollup.AVERAGE:
        value = sum(values, Decimal(0)) / len(values)
    elif rule == Rollup.LAST:
        value = values[-1]
    elif rule == Rollup.WORST:
        value = min(values) if direction == Direction.HIGHER else max(values)
    else:
        raise ValueError(f"No roll-up rule {rule!r}")
    return Quarter(_rounded(value), measured=len(measured))
