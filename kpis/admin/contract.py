"""A contract's KPIs inline on its admin page, with everything a KPI has, so that a contract, its
service areas and its KPIs can be created in one save. `ContractWithKpisAdmin` is the contracts
app's `ContractAdmin` with this inline, which kpis/admin.py registers in its place.

A KPI names its service area by code, so that it can be one added in the same save (the areas
inline is saved first). A KPI held keeps its target and thresholds here: they change on the
KPI's own page, from a named quarter, so that earlier quarters keep the rule they were judged by.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from contracts.admin import ContractAdmin
from contracts.models import Contract, ServiceArea
from kpis.choices import RULE_FIELDS
from kpis.models import Kpi, Unit


class KpiInlineForm(forms.ModelForm):
    area_code = forms.CharField(
        label="Service area code",
        max_length=20,
        help_text="A service area of this contract, or one added above.",
        error_messages={"required": "Give the code of the KPI's service area."},
    )

    class Meta:
        model = Kpi
        fields = [
            "reference",
            "description",
            "frequency",
            "unit",
            "direction",
            *RULE_FIELDS,
            "measured_from",
            "retired_after",
            "notes",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "notes": forms.Textarea(attrs={"rows": 2, "cols": 30}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["area_code"].initial = self.instance.service_area.code
            for name in RULE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Changed on the KPI's page, from a quarter."

    def save(self, commit: bool = True) -> Kpi:
        kpi = super().save(commit=False)
        code = self.cleaned_data["area_code"].strip()
        # The areas inline has been saved by now: a new area is there to be found.
        area = ServiceArea.objects.filter(contract=kpi.contract, code__iexact=code).first()
        if area is not None and area.pk != kpi.service_area_id:
            kpi.service_area = area
        if commit:
            kpi.save()
        return kpi


class KpiInlineFormSet(BaseInlineFormSet):
    # The same page's service areas formset, set by the contract's admin.
    area_formset = None

    def _area_codes(self) -> set[str]:
        codes = set()
        if self.instance.pk:
            codes |= {
                code.casefold()
                for code in ServiceArea.objects.filter(contract=self.instance).values_list(
                    "code", flat=True
                )
            }
        areas = self.area_formset
        if areas is not None and areas.is_valid():
            for form in areas.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if data.get("code") and not data.get("DELETE"):
                    codes.add(data["code"].strip().casefold())
                elif data.get("DELETE") and form.instance.pk:
                    codes.discard(form.instance.code.casefold())
        return codes

    def clean(self) -> None:
        super().clean()
        codes = self._area_codes()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            code = data.get("area_code")
            if not code or data.get("DELETE") or not form.has_changed():
                continue
            if code.strip().casefold() not in codes:
                form.add_error(
                    "area_code",
                    f"This contract has no service area {code.strip()!r}: add it under "
                    "Service areas on this page.",
                )


class KpiInline(admin.StackedInline):
    model = Kpi
    form = KpiInlineForm
    formset = KpiInlineFormSet
    extra = 0
    fieldsets = [
        (None, {"fields": [("reference", "area_code"), "description"]}),
        (None, {"fields": [("frequency", "unit", "direction")]}),
        (
            None,
            {"fields": [("target", "target_strict"), ("detriment", "failure", "threshold_basis")]},
        ),
        (None, {"fields": [("measured_from", "retired_after")]}),
        (None, {"fields": ["notes"]}),
    ]
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # Once a quarter is approved, its KPIs' measures are part of the record.
        if obj is not None and obj.has_approved_quarter:
            return ["frequency", "unit", "direction", *RULE_FIELDS]
        return []

    def has_add_permission(self, request, obj=None) -> bool:
        # Without its measure a KPI cannot be added here; add it on the KPI page instead.
        locked = obj is not None and obj.has_approved_quarter
        return super().has_add_permission(request, obj) and not locked

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The units every contract shares, and this contract's own: no other contract's.
        units = formset.form.base_fields.get("unit")
        if units is not None:
            units.queryset = Unit.objects.for_contract(obj)
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service_area", "contract", "unit")


class ContractWithKpisAdmin(ContractAdmin):
    list_display = [*ContractAdmin.list_display, "kpi_count"]
    # The KPIs just after the service areas they belong to.
    inlines = [ContractAdmin.inlines[0], KpiInline, *ContractAdmin.inlines[1:]]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_kpis=Count("kpis"))

    def _create_formsets(self, request, obj, change):
        # A KPI may name a service area added in the same save: its formset checks the codes
        # against the areas formset's.
        formsets, inlines = super()._create_formsets(request, obj, change)
        areas = next((f for f in formsets if f.model is ServiceArea), None)
        for formset in formsets:
            if formset.model is Kpi:
                formset.area_formset = areas
        return formsets, inlines

    @admin.display(description="KPIs", ordering="n_kpis")
    def kpi_count(self, contract: Contract) -> int:
        return contract.n_kpis
