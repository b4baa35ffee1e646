"""The forms of rectification plans: a plan, a change of its state, an action, and progress on
an action. Each checks what was typed; `plans.writes` checks the rest again under its lock, and
its refusals are shown beside the field they concern (`add_problems`)."""

from __future__ import annotations

from django import forms

from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, too_long_message
from kpis.models import Kpi
from kpis.pages.forms import ProblemsMixin, QuarterField, date_field, offer, reason_field
from plans import rules
from plans.choices import ActionState, PlanState, Side, Trigger


def _reason() -> forms.CharField:
    return reason_field("Why are you making this change?", "Say why you are making this change")


class PlanForm(ProblemsMixin, forms.Form):
    """Open a plan (with its KPI), or change one (with a reason)."""

    kpi = forms.TypedChoiceField(
        label="KPI",
        coerce=int,
        error_messages={
            "required": "Choose the KPI the plan is for",
            "invalid_choice": "Choose one of the KPIs listed",
        },
    )
    title = forms.CharField(
        label="What is the plan to put right?",
        max_length=200,
        help_text="In a line, like “Answer 90% of calls within 60 seconds again”.",
        error_messages={
            "required": "Say in a line what the plan is to put right",
            "max_length": "Keep it to 200 characters or fewer",
        },
    )
    trigger = forms.ChoiceField(
        label="What does it answer?",
        choices=Trigger.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the plan answers",
            "invalid_choice": "Choose what the plan answers",
        },
    )
    first_quarter = QuarterField(
        label="First quarter it answers",
        error_messages={"required": "Choose the first quarter the plan answers"},
    )
    last_quarter = QuarterField(
        label="Last quarter it answers",
        required=False,
        help_text="Leave as it is for one quarter.",
    )
    notified_on = date_field(
        "Failure notified to the supplier on",
        "Enter the day the failure was notified, like 2024-03-28",
        # The working days are the contract's, written in by the form.
    )
    root_cause = forms.CharField(
        label="The supplier's root cause (optional until the plan is agreed)",
        required=False,
        max_length=LONG_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long_message("root cause", LONG_TEXT_LENGTH)},
    )
    reason = _reason()

    def __init__(
        self,
        *args,
        kpis: list[Kpi] | None,
        quarters: list[tuple[str, str]],
        working_days: int,
        changing: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notified_on"].help_text = (
            f"Like 2024-03-28. The plan is due {working_days} working "
            f"day{'' if working_days == 1 else 's'} after this day (weekends and bank holidays "
            "do not count), as the contract gives."
        )
        offer(self.fields["first_quarter"], quarters)
        offer(self.fields["last_quarter"], [("", "The same as the first"), *quarters[1:]])
        if changing:
            del self.fields["kpi"]
        else:
            del self.fields["reason"]
            self.kpis = {kpi.pk: kpi for kpi in kpis or []}
            choices = [
                (str(kpi.pk), f"{kpi.reference}: {kpi.description[:80]}") for kpi in kpis or []
            ]
            offer(self.fields["kpi"], [("", "Choose a KPI"), *choices])

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("first_quarter") and not data.get("last_quarter"):
            data["last_quarter"] = data["first_quarter"]
        return data


class StateForm(ProblemsMixin, forms.Form):
    state = forms.ChoiceField(
        label="What is the plan now?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the plan is now",
            "invalid_choice": "Choose one of the states listed",
        },
    )
    reason = _reason()

    def __init__(self, *args, current: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        offer(
            self.fields["state"],
            [(state, PlanState(state).label) for state in rules.NEXT_STATES[current]],
        )


class ActionForm(ProblemsMixin, forms.Form):
    """Add an action (no reason needed: adding it is why), or change one (with a reason)."""

    description = forms.CharField(
        label="What is to be done?",
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say what is to be done",
            "max_length": too_long_message("action", REASON_LENGTH),
        },
    )
    owner = forms.CharField(
        label="Who owns it?",
        max_length=200,
        help_text="A named person, like “Sam Patel, service desk manager”.",
        error_messages={
            "required": "Name the person who owns the action",
            "max_length": "Keep the name to 200 characters or fewer",
        },
    )
    owner_side = forms.ChoiceField(
        label="The owner works for",
        choices=Side.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the owner works for the supplier or the council",
            "invalid_choice": "Say whether the owner works for the supplier or the council",
        },
    )
    due_on = date_field(
        "Due on", "Enter the day the action is due, like 2024-04-30", hint="Like 2024-04-30."
    )
    reason = _reason()

    def __init__(self, *args, changing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not changing:
            del self.fields["reason"]


class ProgressForm(ProblemsMixin, forms.Form):
    state = forms.ChoiceField(
        label="Where has the action got to?",
        choices=ActionState.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where the action has got to",
            "invalid_choice": "Choose where the action has got to",
        },
    )
    progress = forms.CharField(
        label="How is it going?",
        max_length=REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say how the action is going",
            "max_length": too_long_message("progress", REASON_LENGTH),
        },
    )
    done_on = date_field(
        "Done on (if done)",
        "",
        required=False,
        hint="Like 2024-04-30. Leave it empty for today.",
    )
