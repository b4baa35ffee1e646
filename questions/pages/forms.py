"""The forms of the question pages. Each field keeps what was typed when something is wrong; the
limits and the messages are the models' own (`contracts.limits`)."""

from __future__ import annotations

from typing import Any

from django import forms

from contracts.dates import validate_near_today
from contracts.limits import too_long_message
from kpis.models import Kpi
from kpis.pages.forms import QuarterField, offer
from questions.models import TEXT_LENGTH
from questions.reads import ALL, OPEN
from questions.writes import ActionAgreed


def _text(label: str, required: str, what: str, *, rows: int = 4, optional: bool = False):
    return forms.CharField(
        label=label,
        required=not optional,
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": too_long_message(what, TEXT_LENGTH)},
    )


def _optional_choice(label: str, help_text: str, invalid: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        help_text=help_text,
        error_messages={"invalid_choice": invalid},
    )


class AskForm(forms.Form):
    kpi = _optional_choice(
        "KPI (optional)",
        "Leave it empty for a question about the contract as a whole.",
        "Choose one of the KPIs listed",
    )
    quarter = QuarterField(
        label="Quarter (optional)",
        required=False,
        help_text="Only approved quarters are listed: with a KPI, the question is about its "
        "figure for the quarter.",
    )
    pack = _optional_choice(
        "Published committee pack (optional)",
        "A pack as it was published; its quarter is then the question's quarter.",
        "Choose one of the packs listed",
    )
    text = _text("Your question", "Write your question", "question", rows=5)

    def __init__(
        self,
        *args,
        kpis: list[Kpi],
        quarters: list[tuple[str, str]],
        packs: list,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kpis = {kpi.pk: kpi for kpi in kpis}
        self.packs = {pack.pk: pack for pack in packs}
        offer(self.fields["kpi"], [NONE, *(_kpi_choice(kpi) for kpi in kpis)])
        offer(self.fields["quarter"], [NONE, *quarters])
        if packs:
            offer(self.fields["pack"], [NONE, *(_pack_choice(pack) for pack in packs)])
        else:
            # Nothing to choose from: the list is not offered.
            del self.fields["pack"]


NONE = ("", "None")


def _kpi_choice(kpi: Kpi) -> tuple[str, str]:
    return str(kpi.pk), f"{kpi.reference}: {kpi.description[:80]}"


def _pack_choice(pack) -> tuple[str, str]:
    published = f"{pack.published_at:%-d %B %Y}"
    return str(pack.pk), f"{pack.period.long_label}, version {pack.version}, published {published}"


class OwnedActionFields(forms.Form):
    """What an action needs: what will be done, by whom (chosen, or named), by when."""

    description = _text("Action agreed", "Say what will be done", "action", rows=3)
    owner = _optional_choice(
        "Owner",
        "One of the contract's officers or managers; or name the owner below.",
        "Choose one of the people listed",
    )
    owner_name = forms.CharField(
        label="Or the owner's name or role",
        required=False,
        max_length=200,
        help_text="For an owner who does not sign in here, such as the supplier's service lead.",
        error_messages={"max_length": "Keep the owner's name to 200 characters or fewer"},
    )
    due_date = forms.DateField(
        label="Due date",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="For example, 31/03/2020.",
        error_messages={
            "required": "Enter the date the action is due",
            "invalid": "Enter the due date like 31/03/2020",
        },
        validators=[validate_near_today],
    )

    def __init__(self, *args, owners: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {user.pk: user for user in owners}
        offer(
            self.fields["owner"],
            [("", "Not in the list")]
            + [(str(u.pk), u.get_full_name() or u.get_username()) for u in owners],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        named = data.get("owner_name", "").strip()
        if self.asks_for_action() and "owner" in data and data["owner"] is None and not named:
            self.add_error("owner_name", "Name who will do it, or choose them from the list")
        return data

    def asks_for_action(self) -> bool:
        return True

    def agreed(self) -> ActionAgreed:
        """The action as the service takes it."""
        data = self.cleaned_data
        return ActionAgreed(
            description=data["description"],
            due_date=data["due_date"],
            owner=self.owners.get(data["owner"]) if data["owner"] else None,
            owner_name=data["owner_name"],
        )


class AgreeActionForm(OwnedActionFields):
    prefix = "action"


class AnswerForm(OwnedActionFields):
    """An answer, which may agree an action: the action's fields are asked for only when one
    of them is filled in."""

    prefix = "answer"
    ACTION_FIELDS = ("description", "owner", "owner_name", "due_date")

    text = _text("Your answer", "Write your answer", "answer", rows=5)
    field_order = ["text", *ACTION_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.asks_for_action():
            for name in self.ACTION_FIELDS:
                self.fields[name].required = False
        self.fields["description"].label = "Action agreed (optional)"

    def asks_for_action(self) -> bool:
        """Whether any of the action's fields was filled in."""
        return self.is_bound and any(
            self.data.get(self.add_prefix(name), "").strip() for name in self.ACTION_FIELDS
        )

    def agreed_if_any(self) -> ActionAgreed | None:
        return self.agreed() if self.asks_for_action() else None


class CloseActionForm(forms.Form):
    note = _text("What was done?", "Say what was done", "note", rows=3)


class ShowForm(forms.Form):
    """Which questions the list shows."""

    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[(OPEN, "Still open"), (ALL, "All questions")],
        error_messages={"invalid_choice": "Choose still open or all questions"},
    )

    def chosen(self) -> str:
        if self.is_valid():
            return self.cleaned_data["show"] or OPEN
        return OPEN
