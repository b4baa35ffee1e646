"""The forms of notices: a draft's period, a changed rating with its justification, a breach.
Each checks what was typed; `notices.writes` checks the rest again under its lock, and its
refusals are shown beside the field they concern."""

from __future__ import annotations

from django import forms

from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, too_long_message
from kpis.pages.forms import ProblemsMixin, date_field
from notices.choices import BreachOutcome, NoticeKind, Rating


class DraftForm(ProblemsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Why is the notice due?",
        choices=NoticeKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the notice is due"},
    )
    breach = forms.TypedChoiceField(
        label="The breach it is for",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Only for a notice after a breach.",
        error_messages={"invalid_choice": "Choose one of the breaches listed"},
    )
    period_start = date_field(
        "First day of the period assessed",
        "Enter the first day of the period, like 2024-04-01",
        hint="At most 12 months; only the quarters wholly inside it are read. Like 2024-04-01.",
    )
    period_end = date_field(
        "Last day of the period assessed",
        "Enter the last day of the period, like 2025-03-31",
        hint="Like 2025-03-31.",
    )

    def __init__(self, *args, breaches=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.breaches = {b.pk: b for b in breaches}
        breach = self.fields["breach"]
        assert isinstance(breach, forms.ChoiceField)
        breach.choices = [("", "Not after a breach")] + [
            (b.pk, f"{b.occurred_on:%-d %B %Y}: {b.get_outcome_display()}") for b in breaches
        ]


class RatingForm(ProblemsMixin, forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of the five ratings"},
    )
    justification = forms.CharField(
        label="Why does the rating differ from the one proposed?",
        required=False,
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when the rating is not the one the figures propose; kept beside the "
        "proposal.",
        error_messages={"max_length": too_long_message("justification", REASON_LENGTH)},
    )

    def __init__(self, *args, proposed: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = proposed

    def clean(self):
        data = super().clean() or {}
        changed = data.get("rating") and data["rating"] != self.proposed
        if changed and not (data.get("justification") or "").strip():
            self.add_error(
                "justification", "Say why the rating differs from the one the figures propose"
            )
        return data


class BreachForm(ProblemsMixin, forms.Form):
    occurred_on = date_field(
        "Date of the outcome",
        "Enter the day of the outcome, like 2025-06-12",
        hint="The day of the termination, the award of damages, the settlement, or the failure "
        "after notice. The notice is due 30 days later. Like 2025-06-12.",
    )
    outcome = forms.ChoiceField(
        label="What did the breach lead to?",
        choices=BreachOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the breach led to"},
    )
    description = forms.CharField(
        label="What happened?",
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what happened",
            "max_length": too_long_message("description", LONG_TEXT_LENGTH),
        },
    )
