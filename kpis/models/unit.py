from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Exists, Q
from simple_history.models import HistoricalRecords

from contracts.models import Contract, VersionedQuerySet
from kpis.rules.numbers import plain_number


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
            return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
        word = self.symbol_one if value == 1 and self.symbol_one else self.symbol
        return f"{text} {word}" if word else text

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
