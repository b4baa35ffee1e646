"""The forms around the quarterly return and the decisions beside it (starting a return,
reopening or sending one back, suspending a KPI), and the pieces the other apps' forms share: the
quarters to choose from, a reason in words, a date near today, the error summary that links each
error to its field, and a service's refusals shown beside the fields they concern.

The return's own row form, one per KPI, is in `kpis.pages.return_row_form`: it reads figures and
months by the models' rules, which none of these forms need.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError

from contracts.dates import validate_near_today
from contracts.limits import REASON_LENGTH, too_long_message
from kpis.choices import ReturnState
from kpis.models import Kpi, ReportingPeriod
from kpis.models.period import quarter_end_for


@dataclass(frozen=True)
class SummaryError:
    href: str
    message: str


def error_summary(
    forms_with_labels: list[tuple[forms.Form, str | Callable[[str], str]]],
) -> list[SummaryError]:
    """Errors for the GOV.UK error summary, each linked to its field, in page order, each after
    its form's label: a text, or a function giving each field's (by the field's name)."""
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
            prefix = label(field) if callable(label) else label
            for message in errors:
                summary.append(SummaryError(href, f"{prefix}{message}"))
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
