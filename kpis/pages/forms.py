"""Forms for the quarterly return: one small form per KPI, and the forms around the workflow.

Every field is typed text, so that whatever the user entered comes back to them unchanged when
something is wrong. The unit rules are the model's own (`Reading.clean`, `Kpi.figure_problem`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from contracts.dates import validate_near_today
from contracts.limits import REASON_LENGTH, too_long_message
from kpis.choices import ReturnState
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod, Unit
from kpis.models.months import quarter_from
from kpis.models.period import quarter_end_for
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
        if isinstance(value, str) and value.strip():
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
        for index, end in enumerate(self.month_ends, start=1):
            label = rollup.month_label(end)
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

    @property
    def month_reasons_open(self) -> bool:
        """The months' reasons are shown unfolded where one is given or has a problem."""
        names = [f"m{index}_not_measured_reason" for index in range(1, len(self.month_ends) + 1)]
        return any(self[name].value() or self[name].errors for name in names)

    @property
    def months(self) -> list[MonthFields]:
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
            if not month.entered:
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

    def _figure_unit(self) -> tuple[Unit, str]:
        # As the import: the unit this quarter's figure is held in, the KPI's unless the source
        # printed it in another.
        if self.reading.unit_id and self.reading.unit_id != self.kpi.unit_id:
            return self.reading.figure_unit, "this quarter's figure"
        return self.kpi.unit, "the KPI"

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.errors:
            return data
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


@dataclass(frozen=True)
class SummaryError:
    href: str
    message: str


def error_summary(forms_with_labels: list[tuple[forms.Form, str]]) -> list[SummaryError]:
    """Errors for the GOV.UK error summary, each linked to its field, in page order."""
    summary: list[SummaryError] = []
    for form, label in forms_with_labels:
        for field, errors in form.errors.items():
            if field == "__all__":
                anchor = next(iter(form.fields))
                href = f"#{form[anchor].auto_id}"
            else:
                href = f"#{form[field].auto_id}"
                # A group of radios or checkboxes is reached through its first one.
                if isinstance(
                    form.fields[field].widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)
                ):
                    href += "_0"
            for message in errors:
                summary.append(SummaryError(href, f"{label}{message}"))
    return summary


def quarter_label(end: datetime.date) -> str:
    return ReportingPeriod(end_date=end, **ReportingPeriod.fields_for(end)).long_label


def quarter_choices(ends: list[datetime.date]) -> list[tuple[str, str]]:
    return [(end.isoformat(), quarter_label(end)) for end in ends]


# Quarters offered where a decision takes effect from one (a change of rule, a suspension): at
# least the last three years, back to the contract's start or first return, at most 20 years.
RECENT_QUARTERS = 12
MOST_QUARTERS = 80
# From a quarter's last day, this many days back falls in the quarter before.
QUARTER_BACK = datetime.timedelta(days=92)


def quarter_options(contract, today: datetime.date) -> list[tuple[str, str]]:
    """Quarters a decision can take effect from, to choose from a list: the most recent ended
    quarter first, back to the contract's start or first return (or three years), then the
    quarter under way."""
    current = quarter_end_for(today)
    held = ReportingPeriod.objects.for_contract(contract).values_list("end_date", flat=True)
    starts = [*held[:1], *([contract.start_date] if contract.start_date else [])]
    first = quarter_end_for(min(starts)) if starts else None
    ends: list[datetime.date] = []
    end = quarter_end_for(current - QUARTER_BACK)
    while len(ends) < MOST_QUARTERS and (
        len(ends) < RECENT_QUARTERS or (first is not None and end >= first)
    ):
        ends.append(end)
        end = quarter_end_for(end - QUARTER_BACK)
    choices = [("", "Choose a quarter")]
    choices += [(e.isoformat(), quarter_label(e)) for e in ends]
    choices.append((current.isoformat(), f"{quarter_label(current)}, under way"))
    return choices


class StartReturnForm(forms.Form):
    end_date = forms.TypedChoiceField(
        label="Quarter",
        coerce=datetime.date.fromisoformat,
        error_messages={
            "required": "Choose the quarter to start a return for",
            "invalid_choice": "Choose one of the quarters listed",
        },
    )

    def __init__(self, *args, quarters: list[datetime.date], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].choices = quarter_choices(quarters)


def reason_field(label: str, required: str, *, rows: int = 3, what: str = "reason"):
    """A required reason in words, kept in full in the history (at most 2,000 characters, as
    the models that keep it hold it to)."""
    return forms.CharField(
        label=label,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required,
            "max_length": too_long_message(what, REASON_LENGTH),
        },
    )


class ReopenForm(forms.Form):
    """The reason a manager gives for reopening an approved return or returning a submitted one."""

    reason = reason_field(
        "Why is the return being reopened?", "Say why the return is being reopened", rows=4
    )

    def __init__(self, *args, action: str = "reopen", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if action == "send_back":
            field = self.fields["reason"]
            field.label = "What must the officer correct?"
            field.error_messages["required"] = "Say why the return is being returned"


def held_quarter_options(contract) -> list[tuple[str, str]]:
    """The contract's quarters that have a return, the latest first, to choose from a list where
    a decision concerns an approved quarter (relief, a credit applied); those not yet approved
    say so, and the decision's service refuses them with its reason."""
    choices = [("", "Choose a quarter")]
    for period in reversed(ReportingPeriod.objects.for_contract(contract)):
        approved = period.return_state == ReturnState.APPROVED
        label = period.long_label if approved else f"{period.long_label}, not yet approved"
        choices.append((period.end_date.isoformat(), label))
    return choices


def offer(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    """Give a list field the choices worked out for this request (a contract's quarters)."""
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} offers no choices")
    field.choices = choices


class QuarterField(forms.TypedChoiceField):
    """A quarter chosen from a list (`quarter_options`), never typed as a date."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("coerce", datetime.date.fromisoformat)
        kwargs.setdefault("empty_value", None)
        super().__init__(**kwargs)
        self.error_messages["invalid_choice"] = "Choose a quarter from the list"


class SuspensionForm(forms.Form):
    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={
            "required": "Choose the KPI to suspend",
            "invalid_choice": "Choose one of the KPIs listed",
        },
    )
    first_quarter = QuarterField(
        label="First quarter suspended",
        error_messages={"required": "Choose the first quarter suspended"},
    )
    last_quarter = QuarterField(
        label="Last quarter suspended (optional)",
        required=False,
        help_text="Leave as it is while the suspension goes on.",
    )
    reason = reason_field("Why is the KPI suspended?", "Say why the KPI is suspended")

    def __init__(self, *args, kpis: list[Kpi], quarters: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["first_quarter"], quarters)
        offer(self.fields["last_quarter"], [("", "Until further notice"), *quarters[1:]])
        self.kpis = {kpi.pk: kpi for kpi in kpis}
        self.fields["kpi"].choices = [("", "Choose a KPI")] + [
            (kpi.pk, f"{kpi.reference}: {kpi.description[:80]}") for kpi in kpis
        ]

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("first_quarter"), data.get("last_quarter")
        if first and last and last < first:
            self.add_error("last_quarter", "The last quarter cannot come before the first.")
        return data


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(
    label: str, required_message: str, *, required: bool = True, hint: str = ""
) -> forms.DateField:
    """A date typed as 2024-03-28 or 28/03/2024, within a sensible distance of today."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=hint or "Like 2024-03-28.",
        error_messages={"required": required_message, "invalid": "Enter a date like 2024-03-28"},
        validators=[validate_near_today],
    )


class ProblemsMixin:
    """Show a service's refusals beside the fields they concern, the rest above the form."""

    def add_problems(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                self.add_error(field if field in self.fields else None, problems)  # type: ignore[attr-defined]
        else:
            self.add_error(None, error.messages)  # type: ignore[attr-defined]
