"""The regime in the admin: settings, schemes, weights, charges and credits applied carry a reason
for every change; reliefs are read here and recorded on the regime page, where the permission
table decides who may relieve what, and removed here only where the same table allows relief.
Credits applied are recorded, changed and removed only where the table allows recording one."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from contracts.admin_history import HistoryAdmin
from contracts.admin_reasons import ReasonAdmin, ReasonForm
from kpis.admin.forms import RefusedDeletes
from regime import services
from regime.models import (
    AppliedCredit,
    CreditScheme,
    KpiWeight,
    QuarterCharge,
    RegimeSettings,
    Relief,
)


@admin.register(RegimeSettings)
class RegimeSettingsAdmin(ReasonAdmin, HistoryAdmin):
    list_display = [
        "contract",
        "detriment_run",
        "detriment_in_year",
        "escalate_misses",
        "escalate_failures",
        "credits_by_month",
    ]


@admin.register(CreditScheme)
class CreditSchemeAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["contract", "effective_from", "basis", "amount", "quarter_cap", "year_cap"]
    list_filter = ["contract"]


@admin.register(KpiWeight)
class KpiWeightAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["kpi", "weight"]
    list_select_related = ["kpi"]


@admin.register(QuarterCharge)
class QuarterChargeAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["contract", "period", "amount"]
    list_filter = ["contract"]


class AppliedCreditForm(ReasonForm):
    """A credit applied is recorded, changed or removed only while its quarter is approved, as
    on the regime page (the permission table's credit row)."""

    class Meta:
        model = AppliedCredit
        fields = "__all__"

    def clean(self) -> dict:
        data = super().clean() or {}
        contract, period = data.get("contract"), data.get("period")
        if contract and period:
            reason = services.credit_refusal(
                self.admin_user, contract_id=contract.pk, end_date=period.end_date
            )
            if reason:
                raise ValidationError(reason)
        return data


@admin.register(AppliedCredit)
class AppliedCreditAdmin(RefusedDeletes, ReasonAdmin, HistoryAdmin):
    form = AppliedCreditForm
    list_display = ["contract", "period", "amount", "recorded_by", "recorded_at"]
    list_filter = ["contract"]

    def delete_refusal(self, request, obj: AppliedCredit) -> str:
        return services.credit_refusal(
            request.user, contract_id=obj.contract_id, end_date=obj.period.end_date
        )


@admin.register(Relief)
class ReliefAdmin(RefusedDeletes, HistoryAdmin):
    list_display = ["kpi", "period", "recorded_by", "recorded_at"]
    list_select_related = ["kpi", "period", "recorded_by"]

    def delete_refusal(self, request, obj: Relief) -> str:
        # A relief is a decision about an approved quarter: it goes as it came, while the
        # quarter is approved (the permission table's relief row).
        return services.relief_refusal(request.user, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
