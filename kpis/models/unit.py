from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.db.models import Exists, Q
from simple_history.models import HistoricalRecords

from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from kpis.rules.numbers import NotANumber, grouped, plain_number, read_number


class UnitKind(models.TextChoices):
    """What a unit measures, which decides how its figures are checked and written."""

    PERCENT = "percent", "Percentage"
    COUNT = "count", "Count"
    MONEY = "money", "Amount of money"
    QUANTITY = "quantity", "Quantity"
    DURATION = "duration", "Duration"
    SCORE = "score", "Score"


# The units every contract shares: the four KPIs were measured in before units were data, and
# the commonest others. Migration 0006 adds the same; `ensure_shared` puts them back where a
# database was emptied (a test's flush). (code, label, kind, symbol, symbol for one)
SHARED_UNITS = [
    ("percent", "Percentage", UnitKind.PERCENT, "", ""),
    ("count", "Number of failures", UnitKind.COUNT, "failures", "failure"),
    ("days", "Days", UnitKind.DURATION, "days", "day"),
    ("score", "Score", UnitKind.SCORE, "", ""),
    ("number", "Number", UnitKind.COUNT, "", ""),
    ("hours", "Hours", UnitKind.DURATION, "hours", "hour"),
    ("gbp", "Amount in pounds", UnitKind.MONEY, "", ""),
    ("kg", "Kilograms", UnitKind.QUANTITY, "kg", ""),
    ("tonnes", "Tonnes", UnitKind.QUANTITY, "tonnes", "tonne"),
]


# What people and documents write for the shared units besides their code, label and symbols
# ("3,289 tonnes", "6 hrs"), by code. Read in any case, in the definitions import's Unit column
# and after a figure. Not "tons" for tonnes, nor "working days" for days: those are other units.
UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "kg": ("kgs", "kilogram", "kilograms"),
    "tonnes": ("tonne",),
    "hours": ("hour", "hr", "hrs"),
    "days": ("day",),
    "count": ("failures", "failure"),
}
# Written with any unit of these kinds, as `Unit.write` writes them (95%, £1,200), and named so.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    UnitKind.PERCENT: ("%", "percent", "per cent", "percentage"),
    UnitKind.MONEY: ("£", "pounds", "pound", "gbp"),
}
# Other currencies: a unit, but never one of ours.
FOREIGN_MONEY = ("$", "€", "usd", "eur", "euro", "euros", "dollar", "dollars")
# A multiplier would make a figure a thousand times out if misread: never read, always refused.
MULTIPLIERS = {
    "k": 3,
    "thousand": 3,
    "thousands": 3,
    "m": 6,
    "mn": 6,
    "million": 6,
    "millions": 6,
    "bn": 9,
    "billion": 9,
    "billions": 9,
}
# A figure as printed: a sign, a currency before it, the number, words or a % sign after it.
_PRINTED = re.compile(
    r"(?P<sign>[+-]?)(?:(?P<before>[£$€]|(?:gbp|usd|eur)(?=[\s\d.+-]))\s*)?"
    r"(?P<number>[+-]?[\d.,]*\d[\d.,]*)\s*(?P<after>\D*)",
    re.IGNORECASE,
)


def unit_word(text: str) -> str:
    """A unit's name as compared: any case, spaces as one."""
    return " ".join(text.split()).casefold()


def _known_words() -> frozenset[str]:
    words = {w for shared in SHARED_UNITS for w in shared[:2] + shared[3:]}
    words.update(w for aliases in UNIT_ALIASES.values() for w in aliases)
    words.update(w for signs in KIND_WORDS.values() for w in signs)
    words.update(FOREIGN_MONEY)
    return frozenset(unit_word(w) for w in words if w)


# Words that name a unit, ours or not: a figure written with one of them in a unit it does not
# match is "in kg, not tonnes" rather than "not a number".
KNOWN_WORDS = _known_words()


def read_printed(
    text: str, names: frozenset[str] | None, mismatch: str = "", sign: str = ""
) -> Decimal:
    """A figure as a document prints it: 1,150, 3,289 tonnes, £1,200, 95%.

    `names` are the unit words the figure may be written with (None: any unit's, unchecked);
    `mismatch` says what the figure should be counted in ("the KPI is counted in tonnes"), and
    `sign` what to write it with ("tonnes"). Raises `NotANumber` with the message to show.
    """
    found = _PRINTED.fullmatch(text.strip())
    if found is None or (found["sign"] and found["number"][:1] in "+-"):
        raise NotANumber(f"{text[:40]!r} is not a number.")
    value = read_number(found["sign"] + found["number"])
    for written in (found["before"], found["after"]):
        word = unit_word(written or "")
        if not word or (word in names if names is not None else word in KNOWN_WORDS):
            continue
        multiplier = word.split()[0]
        if multiplier in MULTIPLIERS:
            full = (found["before"] or "") + grouped(value.scaleb(MULTIPLIERS[multiplier]))
            raise NotANumber(
                f"Write {text.strip()[:40]!r} in full, as {full}: a figure with a multiplier "
                f"({multiplier}) is not read, so that none is ever a thousand times out."
            )
        if word not in KNOWN_WORDS or names is None:
            raise NotANumber(f"{text[:40]!r} is not a number.")
        advice = f"give the number alone, or in {sign}" if sign else "give the number alone"
        raise NotANumber(
            f"The figure {text.strip()[:40]!r} is in {written.strip()} but {mismatch}: {advice}."
        )
    return value


def find_unit(text: str, units: Iterable[Unit]) -> Unit | None:
    """The unit `text` names: by code, else label, else a symbol or a word people write for it
    (%, £, GBP, tonne). Where two units answer, the one every contract shares."""
    wanted = unit_word(text)
    units = list(units)
    for names in (
        lambda u: {unit_word(u.code)},
        lambda u: {unit_word(u.label)},
        Unit.names,
    ):
        found = [u for u in units if wanted in names(u)]
        if found:
            return min(found, key=lambda u: u.contract_id is not None)
    return None


class UnitQuerySet(VersionedQuerySet):
    # A contract's own unit is on its pages; a shared one, on every contract's.
    def contracts_of(self, rows: models.QuerySet) -> Q:
        shared = rows.filter(contract__isnull=True)
        return Q(pk__in=rows.values("contract")) | Q(Exists(shared))

    def contracts_of_objects(self, objs) -> Q:
        if any(unit.contract_id is None for unit in objs):
            return Q()
        return Q(pk__in={unit.contract_id for unit in objs})

    def for_contract(self, contract: Contract | None) -> UnitQuerySet:
        """The units every contract shares, with this contract's own."""
        return self.filter(Q(contract__isnull=True) | Q(contract=contract)).order_by(
            "label", "code"
        )

    def ensure_shared(self) -> None:
        if self.filter(contract__isnull=True).count() >= len(SHARED_UNITS):
            return
        for code, label, kind, symbol, symbol_one in SHARED_UNITS:
            self.get_or_create(
                code=code,
                defaults={"label": label, "kind": kind, "symbol": symbol, "symbol_one": symbol_one},
            )


class Unit(models.Model):
    """A unit a KPI is measured in: shared by every contract, or one contract's own."""

    code = models.SlugField(
        max_length=20,
        unique=True,
        help_text="Short name used in files and the open data, such as percent or kg.",
    )
    label = models.CharField(
        max_length=60, help_text="As a reader would name it: 'Number of homes improved'."
    )
    kind = models.CharField(max_length=10, choices=UnitKind)
    symbol = models.CharField(
        max_length=20,
        blank=True,
        help_text="Written after a figure: 'failures', 'kg', 'hours'. Not needed for a "
        "percentage (%) or money (£).",
    )
    symbol_one = models.CharField(
        max_length=20,
        blank=True,
        verbose_name="symbol for one",
        help_text="Written after a figure of exactly 1, where it differs: 'failure', 'day'.",
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="units",
        help_text="Leave empty for a unit every contract may use.",
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def write(self, text: str, value: Decimal) -> str:
        """A figure already written as `text`, with its unit: '95%', '£1,200', '3 failures'."""
        if self.kind == UnitKind.PERCENT:
            return f"{text}%"
        if self.kind == UnitKind.MONEY:
            # Pence are written in full: £3600.50, never £3600.5.
            if "." in text and len(text.rsplit(".", 1)[1]) == 1:
                text += "0"
            return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
        word = self.symbol_one if value == 1 and self.symbol_one else self.symbol
        return f"{text} {word}" if word else text

    def names(self) -> frozenset[str]:
        """Every word this unit is written with, compared as `unit_word` compares them."""
        words = [self.code, self.label, self.symbol, self.symbol_one]
        words.extend(UNIT_ALIASES.get(self.code, ()))
        words.extend(KIND_WORDS.get(self.kind, ()))
        return frozenset(unit_word(w) for w in words if w)

    @property
    def sign(self) -> str:
        """What a figure in this unit is written with: %, £, tonnes; '' for a bare number."""
        return KIND_WORDS[self.kind][0] if self.kind in KIND_WORDS else self.symbol

    def read_figure(self, text: str, whose: str = "the KPI") -> Decimal:
        """A figure written as documents print it, in this unit (see `read_printed`)."""
        # "counted in percent", "in pounds": the kind's word reads better than its label.
        counted = KIND_WORDS[self.kind][1] if self.kind in KIND_WORDS else self.label.lower()
        return read_printed(text, self.names(), f"{whose} is counted in {counted}", self.sign)

    def figure_problem(self, value: Decimal, low: Decimal | None, high: Decimal | None) -> str:
        """Why `value` cannot be a figure in this unit, or ''. `low` and `high` bound a score."""
        if self.kind == UnitKind.PERCENT and not (0 <= value <= 100):
            return "A percentage must be between 0 and 100."
        if self.kind == UnitKind.COUNT and (value < 0 or value != value.to_integral_value()):
            return f"A {self.label.lower()} must be a whole number, 0 or more."
        if self.kind in (UnitKind.QUANTITY, UnitKind.DURATION) and value < 0:
            return f"A figure in {self.label.lower()} cannot be negative."
        if self.kind == UnitKind.MONEY and value != round(value, 2):
            return "An amount of money has at most 2 decimal places (pence)."
        if self.kind == UnitKind.SCORE and None not in (low, high) and not (low <= value <= high):
            return f"A score must be between {plain_number(low)} and {plain_number(high)}."
        return ""
