"""The manager's form for changing a KPI's target and thresholds from a named quarter."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from kpis.choices import ThresholdBasis
from kpis.models import Kpi
from kpis.pages.forms import QuarterField, offer, reason_field


def _figure(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=12,
        decimal_places=4,
        error_messages={
            "invalid": "Enter a number, like 90 or 87.5",
            "max_digits": "Enter a number of at most 8 digits before the point",
            "max_decimal_places": "Enter a number with at most 4 decimal places",
        },
    )


class RuleChangeForm(forms.Form):
    effective_from = QuarterField(
        label="From which quarter?",
        help_text="The first quarter judged by the new rule. It must come after the last "
        "approved quarter; earlier quarters keep their rule.",
        error_messages={"required": "Choose the first quarter the new rule applies to"},
    )
    target = _figure("Target")
    target_strict = forms.BooleanField(
        label="Equalling the target is a miss (printed as '< 5%' or '> 3.5')", required=False
    )
    threshold_basis = forms.ChoiceField(
        label="The thresholds are",
        choices=[
            (ThresholdBasis.ABSOLUTE, "Figures: reaching one is a detriment or failure"),
            (ThresholdBasis.PERCENT, "Tolerances in % of the target: missing by more is one"),
            (ThresholdBasis.POINTS, "Tolerances in points from the target: missing by more is one"),
        ],
        initial=ThresholdBasis.ABSOLUTE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the thresholds are given"},
    )
    detriment = _figure("Detriment threshold (optional)")
    failure = _figure("Failure threshold (optional)")
    reason = reason_field(
        "Why is the rule changing?", "Say why the target or thresholds are changing"
    )

    @classmethod
    def for_kpi(
        cls, kpi: Kpi, data=None, *, suggested=None, quarters: list[tuple[str, str]]
    ) -> RuleChangeForm:
        initial = {
            "effective_from": suggested.isoformat() if suggested else "",
            "target": _plain(kpi.target),
            "target_strict": kpi.target_strict,
            "detriment": _plain(kpi.detriment),
            "failure": _plain(kpi.failure),
            "threshold_basis": kpi.threshold_basis,
        }
        form = cls(data, initial=initial)
        offer(form.fields["effective_from"], quarters)
        return form


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"
