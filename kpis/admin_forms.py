"""Admin forms that hold the admin to the same rules as the pages: the permission table for
readings, suspensions and returns, and changes of target from a named quarter."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.admin_reasons import ReasonForm
from contracts.dates import quarter_out_of_range
from kpis import decisions, services
from kpis.forms import QuarterEndField
from kpis.models import Kpi, QuarterlyReturn, Reading, Suspension
from kpis.permissions import Action, ReturnLocked, refusal, require
from kpis.querysets import RULE_FIELDS


def _refused(error: Exception) -> ValidationError:
    return ValidationError(getattr(error, "message", None) or str(error))


class ReadingAdminForm(ReasonForm):
    class Meta:
        model = Reading
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        kpi, period = data.get("kpi"), data.get("period")
        if kpi and period:
            candidate = Reading(pk=self.instance.pk, kpi=kpi, period=period)
            try:
                services.ensure_editable(candidate, self.admin_user)
            except (ReturnLocked, PermissionDenied) as error:
                raise _refused(error) from None
        return data


class SuspensionAdminForm(ReasonForm):
    class Meta:
        model = Suspension
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        kpi = data.get("kpi")
        if not kpi or not data.get("first_quarter"):
            return data
        after = (data["first_quarter"], data.get("last_quarter"))
        # What changes: the stored span stops applying to its KPI, the new one starts.
        changes = [(kpi.contract_id, None, after)]
        stored = Suspension.objects.filter(pk=self.instance.pk).select_related("kpi").first()
        if stored:
            before = (stored.first_quarter, stored.last_quarter)
            if stored.kpi_id == kpi.pk:
                changes = [(kpi.contract_id, before, after)]
            else:
                changes.append((stored.kpi.contract_id, before, None))
        for contract_id, old, new in changes:
            try:
                require(self.admin_user, Action.SUSPEND, contract_id=contract_id)
            except PermissionDenied as error:
                raise _refused(error) from None
            locked = decisions.approved_quarter_touched(contract_id, old, new)
            if locked:
                raise ValidationError(decisions.locked_message(locked, "a suspension"))
        return data


class KpiAdminForm(ReasonForm):
    """A KPI; a change to its target or thresholds takes effect from the quarter named."""

    rules_from = QuarterEndField(
        label="Target and thresholds apply from",
        required=False,
        help_text="Only when changing the target or thresholds: the last day of the first "
        "quarter judged by the new rule. It must come after the last approved quarter; "
        "earlier quarters keep the rule they were judged by. Leave empty to change every "
        "quarter, which is refused once any quarter is approved.",
    )

    class Meta:
        model = Kpi
        fields = "__all__"

    @property
    def rule_changed(self) -> bool:
        return bool(self.instance.pk) and any(name in self.changed_data for name in RULE_FIELDS)

    def clean(self) -> dict:
        data = super().clean()
        if self.rule_changed:
            effective_from = data.get("rules_from")
            locked = decisions.first_locked_quarter(
                self.instance.contract_id, effective_from, self.admin_user
            )
            if locked:
                message = decisions.locked_message(locked, "a change of target or thresholds")
                self.add_error("rules_from", message)
            elif problem := quarter_out_of_range(self.instance.contract, effective_from):
                self.add_error("rules_from", problem)
        return data


TRANSITIONS = {
    "": ("Leave the state as it is", None),
    "submit": ("Submit for approval", Action.SUBMIT),
    "approve": ("Approve, which locks the quarter", Action.APPROVE),
    "send_back": ("Return to the officer (give the reason below)", Action.SEND_BACK),
    "reopen": ("Reopen (give the reason below)", Action.REOPEN),
}


class QuarterlyReturnAdminForm(ReasonForm):
    """A return's state changes only through the same actions as on its page."""

    transition = forms.ChoiceField(
        label="Change the state",
        required=False,
        choices=[(key, label) for key, (label, _) in TRANSITIONS.items()],
    )

    class Meta:
        model = QuarterlyReturn
        fields = ["contract", "period"]

    def clean(self) -> dict:
        data = super().clean()
        action = TRANSITIONS[data.get("transition") or ""][1]
        if action is None or not self.instance.pk:
            return data
        reason = refusal(self.admin_user, action, self.instance)
        if reason:
            self.add_error("transition", reason)
        elif action in (Action.SUBMIT, Action.APPROVE):
            problems = services.incomplete_rows(self.instance)
            if problems:
                self.add_error(
                    "transition",
                    f"{len(problems)} KPI(s) are not ready: {problems[0][2].lower()}.",
                )
        return data
