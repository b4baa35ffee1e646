from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from regime.models import (
    AppliedCredit,
    CreditScheme,
    KpiWeight,
    QuarterCharge,
    RegimeSettings,
    Relief,
)


@admin.register(RegimeSettings)
class RegimeSettingsAdmin(SimpleHistoryAdmin):
    list_display = [
        "contract",
        "detriment_run",
        "detriment_in_year",
        "escalate_misses",
        "escalate_failures",
    ]


@admin.register(CreditScheme)
class CreditSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "effective_from", "basis", "amount", "quarter_cap", "year_cap"]
    list_filter = ["contract"]


@admin.register(KpiWeight)
class KpiWeightAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "weight"]
    list_select_related = ["kpi"]


@admin.register(QuarterCharge)
class QuarterChargeAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "period", "amount"]
    list_filter = ["contract"]


@admin.register(AppliedCredit)
class AppliedCreditAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "period", "amount", "recorded_by", "recorded_at"]
    list_filter = ["contract"]


@admin.register(Relief)
class ReliefAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "period", "recorded_by", "recorded_at"]
    list_select_related = ["kpi", "period", "recorded_by"]
