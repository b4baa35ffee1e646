"""Admin forms, and a guard on deletes, that hold the admin to the same rules as the pages: the
permission table for readings, suspensions, reliefs and returns, and changes of target from a
named quarter. Each asks under the locks of `kpis.writes.locks`, inside the admin's transaction."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contracts.admin_reasons import ReasonForm
from contracts.dates import quarter_out_of_range, validate_near_today
from kpis.choices import RULE_FIELDS
from kpis.models import Kpi, QuarterlyReturn, Reading, Suspension
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end
from kpis.permissions import Action, ReturnLocked, refusal
from kpis.writes import decisions, locks, saving, workflow


class QuarterEndField(forms.DateField):
    """A quarter typed as its last day: the admin's own way with dates."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Enter the quarter's last day, like 2019-12-31"

    def validate(self, value) -> None:
        super().validate(value)
        if value and not is_quarter_end(value):
            raise ValidationError(QUARTER_END_MESSAGE)
        # The contract's term is checked where the contract is known: the model or service.
        validate_near_today(value)


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
                saving.ensure_editable(candidate, self.admin_user)
            except (ReturnLocked, PermissionDenied) as error:
                raise _refused(error) from None
            entered = {"value", "not_measured_reason"} & set(self.changed_data)
            if entered and (outside := kpi.not_in_force_reason(period.end_date)):
                # As on the return page: a figure held from before stays, none is entered.
                raise ValidationError(f"{outside} {saving.NOT_IN_FORCE_MESSAGE}")
        return data


class SuspensionAdminForm(ReasonForm):
    """A suspension added, or changed in any way, only where the pages could: never one that
    covers, or would cover, an approved quarter (`decisions.suspension_change_refusal`)."""

    class Meta:
        model = Suspension
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean()
        kpi = data.get("kpi")
        if not kpi or not data.get("first_quarter"):
            return data
        reason = decisions.suspension_change_refusal(
            self.admin_user,
            suspension_id=self.instance.pk,
            kpi=kpi,
            span=(data["first_quarter"], data.get("last_quarter")),
        )
        if reason:
            raise ValidationError(reason)
        return data


class RefusedDeletes(admin.ModelAdmin):
    """For a model admin whose objects may be deleted only when `delete_refusal` says '': the
    delete button is shown only then, and the delete page says why not. The refusal asks the
    services' own check, under its locks, in the delete's transaction."""

    def delete_refusal(self, request, obj) -> str:
        raise NotImplementedError

    def _refusal_now(self, request, obj) -> str:
        # A transaction of its own where the admin has none open (its list's bulk delete).
        with transaction.atomic():
            return self.delete_refusal(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not self._refusal_now(request, obj))

    def delete_view(self, request, object_id, extra_context=None):
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            reason = obj and self._refusal_now(request, obj)
            if reason:
                raise PermissionDenied(reason)
            return super().delete_view(request, object_id, extra_context)


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
        # Under the locks the service takes again when the admin saves, in the same transaction:
        # what is checked here is what it finds.
        current = locks.relock(self.instance)
        reason = refusal(self.admin_user, action, current)
        if reason:
            self.add_error("transition", reason)
        elif action in (Action.SUBMIT, Action.APPROVE):
            problems = workflow.incomplete_rows(current)
            if problems:
                self.add_error(
                    "transition",
                    f"{workflow.kpis_not_ready(problems)} KPI(s) are not ready: "
                    f"{problems[0][2].lower()}.",
                )
        return data
