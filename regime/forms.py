"""A manager's relief of a KPI's failure, and the credit applied, in an approved quarter."""

from __future__ import annotations

from django import forms

from kpis.models import Kpi
from kpis.pages.forms import QuarterField, offer, reason_field


class ReliefForm(forms.Form):
    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={
            "required": "Choose the KPI whose failure is relieved",
            "invalid_choice": "Choose one of the KPIs listed",
        },
    )
    quarter = QuarterField(
        label="Quarter",
        help_text="The quarter must be approved.",
        error_messages={"required": "Choose the quarter of the failure"},
    )
    reason = reason_field("Why is the failure relieved?", "Say why the failure is relieved")

    def __init__(self, *args, kpis: list[Kpi], quarters: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["quarter"], quarters)
        self.kpis = {kpi.pk: kpi for kpi in kpis}
        self.fields["kpi"].choices = [("", "Choose a KPI")] + [
            (kpi.pk, f"{kpi.reference}: {kpi.description[:80]}") for kpi in kpis
        ]


class AppliedCreditForm(forms.Form):
    quarter = QuarterField(
        label="Quarter",
        help_text="The quarter must be approved.",
        error_messages={"required": "Choose the quarter the credit was applied for"},
    )
    amount = forms.DecimalField(
        label="Credit applied, in pounds",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the credit applied, or 0",
            "invalid": "Enter the credit as a number of pounds, like 2400.50",
            "min_value": "The credit applied cannot be negative",
            "max_digits": "Enter at most 10 digits before the decimal point",
            "max_decimal_places": "Enter pounds and pence, with at most 2 decimal places",
        },
    )
    note = forms.CharField(
        label="Why it differs from the credit due (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note to 2,000 characters or fewer"},
    )

    def __init__(self, *args, quarters: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer(self.fields["quarter"], quarters)
