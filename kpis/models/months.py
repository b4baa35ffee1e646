"""The months beneath a quarter: a monthly KPI's figure for each of the quarter's three months.

The quarter stays the unit of entry, approval and publication: a month belongs to its quarter's
reading, is edited only while that quarter is, and its quarter's figure is worked out from the
months (`kpis.rules.rollup`) and written on the reading in the same transaction
(`kpis.writes.saving`), so that everything that judges a quarter reads the reading as before.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from contracts.limits import too_long_message
from contracts.querysets import VersionedQuerySet
from kpis.models.returns import BOTH_MESSAGE, NOT_MEASURED_LENGTH, Reading
from kpis.models.unit import UnitKind
from kpis.rules import rollup
from kpis.rules.status import Evaluation, Rule, evaluate


class MonthlyFigureQuerySet(VersionedQuerySet):
    # Writes in bulk move the version of the months' contracts on (`VersionedQuerySet`).
    contract_path = "reading__kpi__contract"


def month_choices_message(quarter_end: datetime.date) -> str:
    names = [f"{end:%-d %B %Y}" for end in rollup.quarter_months(quarter_end)]
    listed = f"{', '.join(names[:2])} or {names[2]}"
    return f"Choose the last day of one of the quarter's months: {listed}."


class MonthlyFigure(models.Model):
    """One month of a monthly KPI: a figure, or the reason there is none, or its two parts."""

    # No index of its own: the unique (reading, month) index serves lookups by reading.
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="months", db_index=False
    )
    month_end = models.DateField(help_text="The last day of the month.")
    value = models.DecimalField("figure", max_digits=12, decimal_places=4, null=True, blank=True)
    not_measured_reason = models.CharField(
        "reason not measured",
        max_length=NOT_MEASURED_LENGTH,
        blank=True,
        help_text='Why there is no figure for the month: "no survey", "no call received".',
    )
    numerator = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)

    objects = MonthlyFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["reading", "month_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["reading", "month_end"],
                name="one_figure_per_reading_and_month",
                violation_error_message="This quarter already has a figure for this month.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(not_measured_reason=""),
                name="month_figure_or_reason",
                violation_error_message=BOTH_MESSAGE,
            ),
            models.CheckConstraint(
                condition=(Q(numerator__isnull=True) & Q(denominator__isnull=True))
                | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="month_both_parts_or_neither",
                violation_error_message="Give both parts of the month's figure, or neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reading} {rollup.month_label(self.month_end)}"

    @property
    def label(self) -> str:
        return rollup.month_label(self.month_end)

    def as_month(self) -> rollup.Month:
        return rollup.Month(
            month_end=self.month_end,
            value=self.value,
            not_measured_reason=self.not_measured_reason,
            numerator=self.numerator,
            denominator=self.denominator,
        )

    def evaluate(self, rule: Rule, *, suspended: bool = False) -> Evaluation:
        """The month judged by the status rule, against the rule in force for its quarter
        (`Reading.rule`), and suspended with it."""
        return evaluate(
            rule=rule,
            value=self.value,
            not_measured_reason=self.not_measured_reason,
            suspended=suspended,
        )

    def fill_from_parts(self) -> dict[str, str]:
        """Work the figure out from the parts where they are given; the problems, by field.

        A month given as parts never has a typed figure: it is computed here, or, with a zero
        denominator, replaced by the reason."""
        kpi = self.reading.kpi
        percent = kpi.unit.kind == UnitKind.PERCENT
        if self.numerator is None and self.denominator is None:
            return {}
        if not kpi.has_parts:
            return {"numerator": "This KPI's months are single figures, not parts."}
        problems = rollup.parts_problems(
            self.numerator,
            self.denominator,
            percent=percent,
            numerator_label=kpi.numerator_label,
            denominator_label=kpi.denominator_label,
        )
        if problems:
            return problems
        typed_reason = self.not_measured_reason.strip()
        if typed_reason and typed_reason != rollup.DENOMINATOR_ZERO:
            return {"not_measured_reason": BOTH_MESSAGE}
        assert self.numerator is not None and self.denominator is not None
        self.value, self.not_measured_reason = rollup.month_from_parts(
            self.numerator, self.denominator, percent=percent
        )
        return {}

    def problems(self) -> dict[str, str]:
        """Everything wrong with the month, by field: the model's own rules, which the return
        page, the services and the admin all run."""
        errors: dict[str, str] = {}
        if len(self.not_measured_reason) > NOT_MEASURED_LENGTH:
            errors["not_measured_reason"] = too_long_message("reason", NOT_MEASURED_LENGTH)
        if self.reading_id is None and not MonthlyFigure.reading.is_cached(self):
            return errors
        reading = self.reading
        if self.month_end and self.month_end not in rollup.quarter_months(reading.period.end_date):
            errors["month_end"] = month_choices_message(reading.period.end_date)
        kpi = reading.kpi
        parts = self.fill_from_parts()
        if parts:
            return {**parts, **errors}
        if kpi.has_parts and self.value is not None and self.numerator is None:
            errors["numerator"] = (
                f"Give the {kpi.numerator_label} and the {kpi.denominator_label}: the month's "
                "figure is worked out from them."
            )
        if self.value is not None and self.not_measured_reason.strip():
            errors["not_measured_reason"] = BOTH_MESSAGE
        problem = kpi.figure_problem(self.value)
        if problem:
            errors["value"] = problem
        return errors

    def clean(self) -> None:
        errors = self.problems()
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        if self.numerator is not None and self.denominator is not None and self.reading_id:
            self.fill_from_parts()
        super().save(*args, **kwargs)


def months_as_entered(figures) -> list[rollup.Month]:
    return [figure.as_month() for figure in figures]


def quarter_from(reading: Reading, figures) -> rollup.Quarter:
    """The quarter's figure worked out from `figures` (its `MonthlyFigure`s) by the KPI's rule."""
    kpi = reading.kpi
    return rollup.roll_up(
        months_as_entered(figures),
        kpi.rollup_rule,
        direction=kpi.direction,
        percent=kpi.unit.kind == UnitKind.PERCENT,
    )
