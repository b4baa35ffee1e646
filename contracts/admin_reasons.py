"""Every change made in the admin says why: a required reason, kept in full in the history."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from contracts.admin_inputs import KeyChoicesMixin

REASON_FIELD = "change_reason"


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text="Kept in full in the history, with who made the change and when.",
        error_messages={"required": "Say why you are making this change."},
    )

    # The person saving, set by `ReasonAdmin.get_form`, for checks that depend on who asks.
    admin_user = None

    @property
    def reason(self) -> str:
        return self.cleaned_data.get(REASON_FIELD, "").strip()


class ReasonAdmin(KeyChoicesMixin, admin.ModelAdmin):
    """A model admin whose every save, and every save of its inlines, carries a reason."""

    form = ReasonForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"admin_user": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {name for _, options in fieldsets for name in options["fields"]}
        if REASON_FIELD not in named:
            fieldsets.append(("Why", {"fields": [REASON_FIELD]}))
        elif self.fieldsets is None:
            # Django's single default fieldset: move the reason to the end, where it is read last.
            fields = [f for f in fieldsets[0][1]["fields"] if f != REASON_FIELD]
            fieldsets = [(None, {"fields": fields}), ("Why", {"fields": [REASON_FIELD]})]
        return fieldsets

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = form.reason
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj) -> None:
        obj._change_reason = "Deleted in the admin"
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change) -> None:
        reason = form.reason
        for obj in formset.save(commit=False):
            obj._change_reason = reason
            obj.save()
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        formset.save_m2m()
