from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from contracts.admin_history import HistoryAdmin
from contracts.admin_inputs import KeyChoicesMixin, guard
from contracts.admin_reasons import ReasonAdmin
from contracts.models import Assignment, Budget, Contract, Extension, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    fields = ["position", "code", "name"]


class ExtensionInline(admin.StackedInline):
    model = Extension
    extra = 0


class BudgetInline(admin.TabularInline):
    model = Budget
    extra = 0
    fields = ["financial_year", "council_budget", "reserve_contribution", "actual_outturn"]


class AssignmentInline(KeyChoicesMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Contract)
class ContractAdmin(ReasonAdmin, HistoryAdmin):
    """A contract with its service areas, extensions, budgets and assignments inline. The kpis
    app registers it again with its KPIs (kpis/admin/contract.py): this app knows nothing of
    KPIs."""

    list_display = ["code", "name", "authority", "supplier", "start_date", "end_date"]
    list_filter = ["authority", "supplier", "procured_under_act"]
    search_fields = ["code", "name", "authority", "supplier"]
    inlines = [ServiceAreaInline, ExtensionInline, BudgetInline, AssignmentInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["code", "name", "contract", "position"]
    list_filter = ["contract"]
    search_fields = ["code", "name", "contract__code"]
    list_select_related = ["contract"]


@admin.register(Extension)
class ExtensionAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["contract", "start_date", "end_date", "value", "guaranteed_savings"]
    list_filter = ["contract"]
    list_select_related = ["contract"]


@admin.register(Budget)
class BudgetAdmin(ReasonAdmin, HistoryAdmin):
    list_display = [
        "contract",
        "year_label",
        "council_budget",
        "reserve_contribution",
        "revised_budget",
        "actual_outturn",
        "variance",
    ]
    list_filter = ["contract", "financial_year"]
    list_select_related = ["contract"]
    readonly_fields = ["revised", "variance_shown"]

    # Shown on the form while it is being filled in, so "-" until both figures are there.
    @admin.display(description="Revised budget")
    def revised(self, budget: Budget):
        return "-" if budget.revised_budget is None else budget.revised_budget

    @admin.display(description="Variance")
    def variance_shown(self, budget: Budget):
        return "-" if budget.variance is None else budget.variance


@admin.register(Assignment)
class AssignmentAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["user", "contract"]
    list_filter = ["contract"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "contract__code"]
    list_select_related = ["user", "contract"]
    autocomplete_fields = ["user"]


# Django's own pages for sign-in accounts and groups, with choice fields that never raise.
for _model, _admin in ((User, UserAdmin), (Group, GroupAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, guard(_admin))
