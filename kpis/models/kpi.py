from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contracts.dates import quarter_out_of_range
from contracts.models import Contract, ServiceArea
from contracts.querysets import VersionedQuerySet
from kpis.choices import Direction, Frequency, Rollup, ThresholdBasis
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end
from kpis.models.unit import Unit, UnitKind
from kpis.rules.rollup import default_rollup
from kpis.rules.status import Rule

_HIGHER = Q(direction=Direction.HIGHER)
_LOWER = Q(direction=Direction.LOWER)


def _below(low: str, high: str) -> Q:
    """`low` is under `high`, or one of them is not set."""
    unset = Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True})
    return unset | Q(**{f"{low}__lt": F(high)})


def _not_negative(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0})


_ABSOLUTE = Q(threshold_basis=ThresholdBasis.ABSOLUTE)
# A KPI without a direction is data only: nothing to judge a figure against.
_NO_DIRECTION = Q(direction="")
NO_DIRECTION_MESSAGE = (
    "Say whether higher or lower is better: a KPI with a target or thresholds needs a direction."
)
DIRECTION_FOR_TARGET = ~_NO_DIRECTION | (
    Q(target__isnull=True) & Q(detriment__isnull=True) & Q(failure__isnull=True)
)
LIFE_SPAN_MESSAGE = "The last quarter measured cannot be before the first."
LIFE_SPAN_IN_ORDER = (
    Q(measured_from__isnull=True)
    | Q(retired_after__isnull=True)
    | Q(retired_after__gte=F("measured_from"))
)

# Thresholds given as figures sit on the worse side of the target, the failure beyond the
# detriment; given as tolerances, the failure's is the wider.
THRESHOLDS_IN_ORDER = (
    (
        _ABSOLUTE
        & _HIGHER
        & _below("detriment", "target")
        & _below("failure", "detriment")
        & _below("failure", "target")
    )
    | (
        _ABSOLUTE
        & _LOWER
        & _below("target", "detriment")
        & _below("detriment", "failure")
        & _below("target", "failure")
    )
    | (
        ~_ABSOLUTE
        & _not_negative("detriment")
        & _not_negative("failure")
        & _below("detriment", "failure")
    )
    # Without a direction there are no thresholds (`DIRECTION_FOR_TARGET`).
    | (_ABSOLUTE & _NO_DIRECTION)
)

# Tolerances keep to hundredths so that the database, which on SQLite compares in floating
# point, judges a figure on the boundary exactly as `kpis.rules.status` does.
TOLERANCE_PLACES = 2


def in_force_q(end_date, prefix: str = "") -> Q:
    """KPIs (through `prefix`, such as "kpi__") in force in the quarter ending `end_date`, which
    may be an expression such as `F("period__end_date")`."""
    start, end = f"{prefix}measured_from", f"{prefix}retired_after"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": end_date})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": end_date})
    )


class KpiQuerySet(VersionedQuerySet):
    def for_contract(self, contract: Contract) -> KpiQuerySet:
        return self.filter(contract=contract)

    def in_force_at(self, end_date: datetime.date) -> KpiQuerySet:
        """KPIs measured in the quarter ending `end_date` (inside their life span)."""
        return self.filter(in_force_q(end_date))

    def in_report_order(self) -> KpiQuerySet:
        return self.order_by("service_area__position", "service_area__code", "position", "id")


class KpiRowQuerySet(VersionedQuerySet):
    """A KPI's own rows (its readings, suspensions, reliefs...): on its contract's pages."""

    contract_path = "kpi__contract"


KpiRowManager = models.Manager.from_queryset(KpiRowQuerySet)


class KpiManager(models.Manager.from_queryset(KpiQuerySet)):
    def get_by_natural_key(self, contract_code: str, reference: str) -> Kpi:
        return self.get(contract__code=contract_code, reference=reference)


class Kpi(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="kpis")
    reference = models.CharField(max_length=30, help_text="As the contract prints it: R&B-K-009a.")
    description = models.TextField()
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    unit = models.ForeignKey(
        Unit,
        to_field="code",
        db_column="unit",
        on_delete=models.PROTECT,
        related_name="kpis",
        help_text="A unit every contract shares, or one of this contract's own.",
    )
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        blank=True,
        help_text="Leave empty only for a data-only KPI: one with no target, whose figures are "
        "shown and never judged.",
    )
    target = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The default target; a quarter's reading can override it.",
    )
    target_strict = models.BooleanField(
        default=False,
        verbose_name="strict target",
        help_text="Tick when the target is printed as '< 5%' or '> 3.5': equalling it is a miss.",
    )
    detriment = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, verbose_name="detriment threshold"
    )
    failure = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, verbose_name="failure threshold"
    )
    threshold_basis = models.CharField(
        max_length=10,
        choices=ThresholdBasis.choices,
        default=ThresholdBasis.ABSOLUTE,
        help_text="Figures: the thresholds are figures, reached inclusively. % of target or "
        "points: they are tolerances, and a figure missing the quarter's target by more than "
        "the tolerance reaches the threshold ('amber within 10% of target').",
    )
    scale_min = models.DecimalField(
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Lowest score possible, where the KPI is a score.",
    )
    scale_max = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, help_text="Highest score possible."
    )
    rule_changed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Set once the target or thresholds have changed from a quarter on, so that "
        "quarters before the change are judged by the earlier rule.",
    )
    measured_from = models.DateField(
        null=True,
        blank=True,
        verbose_name="measured from",
        help_text="The last day of the first quarter the KPI is measured in; empty: from the "
        "contract's start. Quarters before it are not in force.",
    )
    retired_after = models.DateField(
        null=True,
        blank=True,
        verbose_name="retired after",
        help_text="The last day of the last quarter the KPI is measured in; empty: still "
        "measured. Quarters after it are not in force.",
    )
    rollup = models.CharField(
        "roll-up of the months",
        max_length=10,
        choices=Rollup.choices,
        blank=True,
        default="",
        help_text="How a monthly KPI's three months make the quarter's figure. Leave empty for "
        "the usual: recomputed from the parts where they are collected, otherwise the sum for "
        "counts, quantities and money and the average for percentages, times and scores.",
    )
    numerator_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="Where each month is collected as two parts, what is counted: "
        "'calls answered'. Leave empty when months are single figures.",
    )
    denominator_label = models.CharField(
        max_length=60, blank=True, help_text="What it is counted out of: 'calls offered'."
    )
    published = models.BooleanField(
        "published KPI",
        default=False,
        help_text="One of the KPIs the contract publishes under the Procurement Act 2023 "
        "(section 52), which its Contract Performance Notices rate.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order within its area.")
    notes = models.TextField(
        blank=True, help_text="Anything odd in the source: misprints, changes of unit."
    )

    objects = KpiManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        ordering = ["contract", "service_area__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "reference"],
                name="kpi_reference_unique_in_contract",
                violation_error_message="This contract already has a KPI with this reference.",
            ),
            models.CheckConstraint(
                condition=THRESHOLDS_IN_ORDER,
                name="kpi_thresholds_in_order",
                violation_error_message=(
                    "The detriment and failure thresholds must lie beyond the target, "
                    "failure furthest, in the KPI's direction."
                ),
            ),
            models.CheckConstraint(
                condition=DIRECTION_FOR_TARGET,
                name="kpi_direction_for_target",
                violation_error_message=NO_DIRECTION_MESSAGE,
            ),
            models.CheckConstraint(
                condition=LIFE_SPAN_IN_ORDER,
                name="kpi_life_span_in_order",
                violation_error_message=LIFE_SPAN_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_below("scale_min", "scale_max"),
                name="kpi_scale_in_order",
                violation_error_message="The highest score must be above the lowest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.reference}"

    def natural_key(self) -> tuple[str, str]:
        return (self.contract.code, self.reference)

    natural_key.dependencies = ["contracts.contract", "contracts.servicearea"]

    def get_absolute_url(self) -> str:
        return reverse("kpi_detail", args=[self.contract.code, self.pk])

    @property
    def has_thresholds(self) -> bool:
        return self.detriment is not None or self.failure is not None

    def rule(self, target: Decimal | None = None) -> Rule:
        """The rule in force now, with a quarter's own target if it overrides the default."""
        return Rule(
            direction=self.direction,
            target=self.target if target is None else target,
            strict=self.target_strict,
            detriment=self.detriment,
            failure=self.failure,
            basis=self.threshold_basis,
        )

    def rule_for(self, end_date: datetime.date, target: Decimal | None = None) -> Rule:
        """The rule that judges the quarter ending `end_date`.

        A quarter before a change of target or thresholds keeps the rule it was judged by: the
        one that change replaced. Prefetch `rule_changes` when asking for many KPIs.
        """
        later = next((c for c in self.rule_changes.all() if c.effective_from > end_date), None)
        if later is None:
            return self.rule(target)
        rule = later.previous_rule(self.direction)
        return rule if target is None else dataclasses.replace(rule, target=target)

    @property
    def is_data_only(self) -> bool:
        """No target by default: figures are shown, never judged (a quarter may still have a
        target of its own, or an earlier rule)."""
        return self.target is None

    def in_force(self, end_date: datetime.date) -> bool:
        """Whether the quarter ending `end_date` lies inside the KPI's life span."""
        if self.measured_from is not None and end_date < self.measured_from:
            return False
        return self.retired_after is None or end_date <= self.retired_after

    def not_in_force_reason(self, end_date: datetime.date) -> str:
        """Why the quarter ending `end_date` is outside the life span, in words; '' inside."""
        start, end = self.measured_from, self.retired_after
        if start is not None and end_date < start:
            return f"{self.reference} is measured from the quarter ending {start:%-d %B %Y}."
        if end is not None and end_date > end:
            return f"{self.reference} was retired after the quarter ending {end:%-d %B %Y}."
        return ""

    @property
    def life_span_text(self) -> str:
        """The life span in words, for the KPI page."""
        start = f"{self.measured_from:%b %Y}" if self.measured_from else "the contract's start"
        if self.retired_after:
            return f"From {start} to {self.retired_after:%b %Y} (retired)"
        return f"From {start}"

    @property
    def is_monthly(self) -> bool:
        return self.frequency == Frequency.MONTHLY

    @property
    def has_parts(self) -> bool:
        """Each month is collected as a numerator and a denominator."""
        return bool(self.numerator_label and self.denominator_label)

    @property
    def rollup_rule(self) -> Rollup:
        """The roll-up in force: the one chosen, else the usual for the unit (`default_rollup`)."""
        if self.rollup:
            return Rollup(self.rollup)
        kind = self.unit.kind if self.unit_id else ""
        return default_rollup(kind, has_parts=self.has_parts)

    def is_due(self, period) -> bool:
        """Annual KPIs fall due at the year end; the others every quarter."""
        return self.frequency != Frequency.ANNUAL or period.is_year_end

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.service_area_id
            and self.contract_id
            and self.service_area.contract_id != self.contract_id
        ):
            errors["service_area"] = "Choose a service area of this KPI's contract."
        if self.unit_id and self.unit.contract_id not in (None, self.contract_id):
            errors["unit"] = "Choose a unit every contract shares, or one of this contract's."
        thresholds = ("detriment", "failure")
        for name in ("target", *thresholds):
            if self.relative and name in thresholds:
                problem = self.tolerance_problem(getattr(self, name))
            else:
                problem = self.figure_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        errors.update(self._threshold_errors())
        errors.update(self._direction_errors(errors))
        errors.update(self._life_span_errors())
        errors.update(self._parts_errors())
        scale = (self.scale_min, self.scale_max)
        if None not in scale and self.scale_max <= self.scale_min:
            errors["scale_max"] = "The highest score must be above the lowest."
        if errors:
            raise ValidationError(errors)

    def _direction_errors(self, errors: dict[str, str]) -> dict[str, str]:
        if self.direction or "direction" in errors:
            return {}
        if self.target is not None or self.has_thresholds:
            return {"direction": NO_DIRECTION_MESSAGE}
        return {}

    def _life_span_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name in ("measured_from", "retired_after"):
            day = getattr(self, name)
            if day is None:
                continue
            if not is_quarter_end(day):
                errors[name] = QUARTER_END_MESSAGE
            elif self.contract_id and (problem := quarter_out_of_range(self.contract, day)):
                errors[name] = problem
        start, end = self.measured_from, self.retired_after
        if start and end and end < start and "retired_after" not in errors:
            errors["retired_after"] = LIFE_SPAN_MESSAGE
        return errors

    def _parts_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        self.numerator_label = self.numerator_label.strip()
        self.denominator_label = self.denominator_label.strip()
        if bool(self.numerator_label) != bool(self.denominator_label):
            missing = "denominator_label" if self.numerator_label else "numerator_label"
            errors[missing] = "Name both parts (what is counted, and out of what), or neither."
        elif self.rollup == Rollup.RATIO and not self.has_parts:
            errors["rollup"] = (
                "A ratio is recomputed from each month's parts: name them (what is counted, "
                "and out of what)."
            )
        elif (
            self.unit_id
            and self.unit.kind == UnitKind.COUNT
            and self.rollup_rule in (Rollup.AVERAGE, Rollup.RATIO)
        ):
            # A count's quarter must be a whole number.
            errors["rollup"] = "A count's months are added up: choose the sum, last or worst month."
        return errors

    @property
    def relative(self) -> bool:
        """True where the thresholds are tolerances around the target."""
        return self.threshold_basis != ThresholdBasis.ABSOLUTE

    @staticmethod
    def tolerance_problem(value: Decimal | None) -> str:
        if value is None:
            return ""
        if value < 0:
            return "A tolerance cannot be negative."
        if value != round(value, TOLERANCE_PLACES):
            return "Give a tolerance with at most 2 decimal places."
        return ""

    def _threshold_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.relative:
            d, f = self.detriment, self.failure
            if d is not None and f is not None and not f > d:
                errors["failure"] = "The failure tolerance must be wider than the detriment's."
            return errors
        if not self.direction:
            # `_direction_errors` asks for one.
            return errors
        higher = self.direction == Direction.HIGHER
        side = "below" if higher else "above"
        worse = (lambda a, b: a < b) if higher else (lambda a, b: a > b)
        t, d, f = self.target, self.detriment, self.failure
        if d is not None and t is not None and not worse(d, t):
            errors["detriment"] = (
                f"Where {self.get_direction_display().lower()}, the detriment threshold "
                f"must be {side} the target."
            )
        if f is not None and d is not None and not worse(f, d):
            errors["failure"] = (
                f"Where {self.get_direction_display().lower()}, the failure threshold "
                f"must be {side} the detriment threshold."
            )
        elif f is not None and t is not None and not worse(f, t):
            errors["failure"] = (
                f"Where {self.get_direction_display().lower()}, the failure threshold "
                f"must be {side} the target."
            )
        return errors

    def figure_problem(self, value: Decimal | None, unit: Unit | None = None) -> str:
        """Why `value` cannot be a figure in this KPI's unit (or `unit`), or '' if it can."""
        unit = unit or (self.unit if self.unit_id else None)
        if value is None or unit is None:
            return ""
        return unit.figure_problem(value, self.scale_min, self.scale_max)
