"""Rectification plans in the admin: the contract's setting (working days to deliver a plan) is
changed here, with a reason; plans and their actions are read here and changed on the plan's
pages, where the permission table decides who may do what and every change keeps its reason."""

from django.contrib import admin

from contracts.admin_history import HistoryAdmin
from contracts.admin_reasons import ReasonAdmin
from plans.models import Plan, PlanAction, PlanSettings


@admin.register(PlanSettings)
class PlanSettingsAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["contract", "working_days"]


class _ReadHere(HistoryAdmin):
    """Read in the admin, with its history; opened and changed on the plan's pages."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PlanActionInline(admin.TabularInline):
    model = PlanAction
    fields = ("description", "owner", "owner_side", "due_on", "state", "progress", "done_on")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(_ReadHere):
    list_display = ["kpi", "title", "trigger", "state", "due_on"]
    list_filter = ["state", "kpi__contract"]
    list_select_related = ["kpi"]
    inlines = [PlanActionInline]


@admin.register(PlanAction)
class PlanActionAdmin(_ReadHere):
    list_display = ["plan", "owner", "due_on", "state"]
    list_select_related = ["plan__kpi"]
