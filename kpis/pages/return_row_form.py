"""The quarterly return's row form: one small form per KPI, for its figure or the reason it was
not measured, its commentary, a target for the quarter and, for a KPI reported monthly, each
month's figures, from which the quarter is worked out.

Every field is typed text, so that whatever the user entered comes back to them unchanged when
something is wrong. The unit rules are the model's own (`Reading.clean`, `Kpi.figure_problem`).
It has a module of its own because nothing here (figures read in a unit, months, the checks a
reading is held to) serves the forms for the decisions around the return, in `kpis.pages.forms`,
whose error summary the return page uses for these rows too.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError

from contracts.limits import too_long_message
from kpis.models import Kpi, MonthlyFigure, Reading, Unit
from kpis.models.months import quarter_from
from kpis.models.returns import COMMENTARY_LENGTH, NOT_MEASURED_LENGTH
from kpis.models.unit import read_printed
from kpis.rules import rollup
from kpis.rules.numbers import NotANumber
from kpis.writes.saving import QUARTER_AND_MONTHS_MESSAGE, MonthEntry, RowEntry
from kpis.writes.workflow import misses_target

NUMBER_MESSAGES = {
    "invalid": "Enter a number, like 95 or 2.5",
    "max_digits": "Enter a number with no more than 12 digits",
    "max_decimal_places": "Enter a number with no more than 4 decimal places",
    "max_whole_digits": "Enter a number below 100,000,000",
}


# A month's boxes on its row, each named `m{index}_{box}`: a figure, or its two parts, and the
# reason it was not measured.
MONTH_BOXES = ("value", "numerator", "denominator", "not_measured_reason")


class FigureField(forms.DecimalField):
    """A number typed as text, as the imports read one (`kpis.models.unit.read_printed`):
    thousands separated by commas, and the unit of the figure (95%, £1,200, 3,289 tonnes)."""

    widget = forms.TextInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", NUMBER_MESSAGES)
        super().__init__(max_digits=12, decimal_places=4, **kwargs)
        # The unit a typed figure must be written in, asked for only when one is typed.
        self.unit_of: Callable[[], tuple[Unit, str]] | None = None

    def to_python(self, value):
        # A box holding only spaces is empty, as Django's text fields treat one.
        value = value.strip() if isinstance(value, str) else value
        if isinstance(value, str) and value:
            try:
                if self.unit_of is None:
                    value = str(read_printed(value, None))
                else:
                    unit, whose = self.unit_of()
                    value = str(unit.read_figure(value, whose))
            except NotANumber as problem:
                # Else Django's own reading and messages, as for any number field.
                if not problem.message.endswith("is not a number."):
                    raise ValidationError(problem.message, code="invalid") from None
        return super().to_python(value)

    def widget_attrs(self, widget) -> dict:
        # inputmode rather than type=number: browsers discard what a number input cannot parse.
        return {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}


def figure_text(value: Decimal | None) -> str:
    """A stored figure as a person would type it: 95, not 95.0000."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


@dataclass
class MonthFields:
    """One month's inputs on a monthly KPI's row, for the template."""

    month_end: datetime.date
    label: str
    value: forms.BoundField | None
    not_measured_reason: forms.BoundField
    numerator: forms.BoundField | None
    denominator: forms.BoundField | None
    stored: MonthlyFigure | None

    @property
    def errors(self) -> bool:
        fields = (self.value, self.not_measured_reason, self.numerator, self.denominator)
        return any(field is not None and field.errors for field in fields)


def _reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOT_MEASURED_LENGTH,
        error_messages={"max_length": too_long_message("reason", NOT_MEASURED_LENGTH)},
    )


class ReturnRowForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    value = FigureField(label="Figure")
    not_measured_reason = forms.CharField(
        label="Or, the reason it was not measured",
        required=False,
        max_length=NOT_MEASURED_LENGTH,
        error_messages={"max_length": too_long_message("reason", NOT_MEASURED_LENGTH)},
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=COMMENTARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": too_long_message("commentary", COMMENTARY_LENGTH)},
    )
    target_override = FigureField(label="Target this quarter")

    def __init__(self, *args, reading: Reading, set_targets: bool, **kwargs) -> None:
        self.reading = reading
        self.kpi: Kpi = reading.kpi
        kwargs.setdefault("prefix", f"kpi-{self.kpi.pk}")
        kwargs.setdefault(
            "initial",
            {
                "version": reading.version if reading.pk else None,
                "value": figure_text(reading.value),
                "not_measured_reason": reading.not_measured_reason,
                "commentary": reading.commentary,
                "target_override": figure_text(reading.target_override),
            },
        )
        self.month_ends = (
            rollup.quarter_months(reading.period.end_date) if self.kpi.is_monthly else []
        )
        # Prefetched with the reading (`build_page`); none for a row not yet stored.
        self.stored_months = (
            {figure.month_end: figure for figure in reading.months.all()} if reading.pk else {}
        )
        if self.stored_months:
            # The quarter is worked out from its months: its own boxes are for a quarter alone.
            kwargs["initial"] = {**kwargs["initial"], "value": "", "not_measured_reason": ""}
        kwargs["initial"] = {**kwargs["initial"], **self._month_initial()}
        super().__init__(*args, **kwargs)
        self.set_targets = set_targets
        figure = self.fields["value"]
        assert isinstance(figure, FigureField)
        figure.unit_of = self._figure_unit
        if set_targets:
            target = self.fields["target_override"]
            assert isinstance(target, FigureField)
            target.unit_of = lambda: (self.kpi.unit, "the KPI")
        else:
            del self.fields["target_override"]
        self._add_month_fields()

    def _month_initial(self) -> dict[str, str]:
        initial = {}
        for index, end in enumerate(self.month_ends, start=1):
            figure = self.stored_months.get(end)
            if figure is None:
                continue
            if figure.numerator is not None:
                initial[f"m{index}_numerator"] = figure_text(figure.numerator)
                initial[f"m{index}_denominator"] = figure_text(figure.denominator)
                if figure.not_measured_reason != rollup.DENOMINATOR_ZERO:
                    initial[f"m{index}_not_measured_reason"] = figure.not_measured_reason
            else:
                initial[f"m{index}_value"] = figure_text(figure.value)
                initial[f"m{index}_not_measured_reason"] = figure.not_measured_reason
        return initial

    def _add_month_fields(self) -> None:
        kpi = self.kpi
        # Each month's box by name, with its month, for the error summary.
        self.month_of_field: dict[str, str] = {}
        for index, end in enumerate(self.month_ends, start=1):
            label = rollup.month_label(end)
            for part in MONTH_BOXES:
                self.month_of_field[f"m{index}_{part}"] = label
            if kpi.has_parts:
                self.fields[f"m{index}_numerator"] = FigureField(
                    label=f"{kpi.numerator_label.capitalize()}, {label}"
                )
                self.fields[f"m{index}_denominator"] = FigureField(
                    label=f"{kpi.denominator_label.capitalize()}, {label}"
                )
            else:
                figure = FigureField(label=f"Figure for {label}")
                # A month is in the KPI's own unit, as the imports read it: "3289 kg" is
                # refused for tonnes or failures rather than read as 3289.
                figure.unit_of = lambda: (kpi.unit, "the KPI")
                self.fields[f"m{index}_value"] = figure
            self.fields[f"m{index}_not_measured_reason"] = _reason_field(
                f"Or, why {label} was not measured"
            )

    def summary_label(self, name: str) -> str:
        """How the error summary names the box `name`: by its KPI and, for a month's box, its
        month, as three months' boxes often share a message ("Enter a number ...")."""
        month = self.month_of_field.get(name)
        return f"{self.kpi.reference}, {month}: " if month else f"{self.kpi.reference}: "

    @property
    def month_reasons_open(self) -> bool:
        """The months' reasons are shown unfolded where one is given or has a problem."""
        names = [f"m{index}_not_measured_reason" for index in range(1, len(self.month_ends) + 1)]
        return any(self[name].value() or self[name].errors for name in names)

    @cached_property
    def months(self) -> list[MonthFields]:
        """The months' boxes, for the template, which asks for them three times a row."""
        result = []
        for index, end in enumerate(self.month_ends, start=1):
            parts = self.kpi.has_parts
            result.append(
                MonthFields(
                    month_end=end,
                    label=rollup.month_label(end),
                    value=None if parts else self[f"m{index}_value"],
                    not_measured_reason=self[f"m{index}_not_measured_reason"],
                    numerator=self[f"m{index}_numerator"] if parts else None,
                    denominator=self[f"m{index}_denominator"] if parts else None,
                    stored=self.stored_months.get(end),
                )
            )
        return result

    def month_entries(self) -> tuple[MonthEntry, ...] | None:
        """The months as typed (after `is_valid`), or None for a KPI not reported monthly."""
        if not self.kpi.is_monthly:
            return None
        data = self.cleaned_data
        return tuple(
            MonthEntry(
                month_end=end,
                value=data.get(f"m{index}_value"),
                not_measured_reason=(data.get(f"m{index}_not_measured_reason") or "").strip(),
                numerator=data.get(f"m{index}_numerator"),
                denominator=data.get(f"m{index}_denominator"),
            )
            for index, end in enumerate(self.month_ends, start=1)
        )

    def _quarter_from_months(self, data: dict) -> tuple[bool, dict]:
        """Check the months typed, by the model's own rules, and work the quarter out from
        them: (whether any month was entered, the quarter's figure and reason)."""
        months = self.month_entries() or ()
        figures = []
        for index, month in enumerate(months, start=1):
            if not month.entered or self._month_unread(index):
                continue
            figure = MonthlyFigure(
                reading=self.reading,
                month_end=month.month_end,
                value=None if month.numerator is not None else month.value,
                not_measured_reason=month.not_measured_reason,
                numerator=month.numerator,
                denominator=month.denominator,
            )
            for field, message in figure.problems().items():
                name = f"m{index}_{field}"
                self.add_error(name if name in self.fields else None, message)
            figures.append(figure)
        if not figures:
            return False, data
        if data.get("value") is not None or data.get("not_measured_reason", "").strip():
            self.add_error("value", QUARTER_AND_MONTHS_MESSAGE)
        if self.errors:
            return True, data
        quarter = quarter_from(self.reading, figures)
        return True, {
            **data,
            "value": quarter.value,
            "not_measured_reason": quarter.not_measured_reason,
        }

    def _month_unread(self, index: int) -> bool:
        """Whether a box of the month could not be read (not a number, too long)."""
        return any(f"m{index}_{part}" in self.errors for part in MONTH_BOXES)

    def _figure_unit(self) -> tuple[Unit, str]:
        # As the import: the unit this quarter's figure is held in, the KPI's unless the source
        # printed it in another.
        if self.reading.unit_id and self.reading.unit_id != self.kpi.unit_id:
            return self.reading.figure_unit, "this quarter's figure"
        return self.kpi.unit, "the KPI"

    def clean(self) -> dict:
        data = super().clean() or {}
        # Each month typed as a number is checked even where another box is not one, so that
        # every mistake of the row is shown at once.
        from_months, quarter = self._quarter_from_months(data)
        if self.errors:
            return data
        candidate = Reading(
            kpi=self.kpi,
            period=self.reading.period,
            unit_id=self.reading.unit_id or self.kpi.unit_id,
            value=quarter.get("value"),
            not_measured_reason=quarter.get("not_measured_reason", "").strip(),
            target_override=(
                data.get("target_override") if self.set_targets else self.reading.target_override
            ),
        )
        try:
            candidate.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields:
                    prefix = "The quarter's figure worked out from the months: "
                    self.add_error(field, prefix + messages[0] if from_months else messages[0])
            return data
        # Kept for the page to list as a to-do: commentary is required on submission only.
        self.misses_target = misses_target(candidate)
        return data

    def entry(self) -> RowEntry:
        data = self.cleaned_data
        return RowEntry(
            kpi_id=self.kpi.pk,
            version=data.get("version"),
            value=data.get("value"),
            not_measured_reason=data.get("not_measured_reason", "").strip(),
            commentary=data.get("commentary", "").strip(),
            target_override=(
                data.get("target_override") if self.set_targets else self.reading.target_override
            ),
            months=self.month_entries(),
        )

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show problems the service found (the same rules, checked again under a lock)."""
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)

    def take_version(self, version: int) -> None:
        """After a conflict: keep what the user typed but base the next save on what is stored."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data
