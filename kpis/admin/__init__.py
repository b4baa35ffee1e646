from django.contrib import admin, messages
from django.db.models import QuerySet

from contracts.admin_history import HistoryAdmin
from contracts.admin_reasons import ReasonAdmin
from contracts.models import Contract
from kpis.admin.contract import ContractWithKpisAdmin
from kpis.admin.forms import (
    TRANSITIONS,
    KpiAdminForm,
    QuarterlyReturnAdminForm,
    ReadingAdminForm,
    RefusedDeletes,
    SuspensionAdminForm,
)
from kpis.choices import RULE_FIELDS, ReturnState
from kpis.models import (
    Kpi,
    MonthlyFigure,
    PublishedSummary,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    RuleChange,
    Suspension,
    SuspensionRequest,
    Unit,
)
from kpis.permissions import Action, refusal
from kpis.rules.status import Status
from kpis.writes import decisions, locks, opening, saving, workflow


def _status_label(reading: Reading) -> str:
    """The computed status, from the SQL annotation where the queryset has it."""
    status = getattr(reading, "status", None)
    would_have_been = getattr(reading, "would_have_been", None)
    if status is None:
        evaluation = reading.evaluate()
        status, would_have_been = evaluation.status, evaluation.would_have_been
    label = Status(status).label
    if would_have_been:
        label += f" (would have been {Status(would_have_been).label.lower()})"
    return label


def _with_status(readings: QuerySet) -> QuerySet:
    # The status comes from the database, so a list of readings costs no query per row.
    return readings.with_status().select_related("period", "kpi__contract")


def _edit_refusal(request, reading: Reading | None) -> str:
    """Why this reading cannot be changed now (its quarter's state), or ''."""
    if reading is None or reading.pk is None:
        return ""
    quarterly_return = opening.return_for(
        contract_id=reading.kpi.contract_id, period_id=reading.period_id
    )
    return refusal(request.user, Action.EDIT, quarterly_return, contract_id=reading.kpi.contract_id)


class ReadingInline(admin.TabularInline):
    """A KPI's readings at a glance. Each is changed on its own page, where locking applies."""

    model = Reading
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "period",
        "value",
        "unit",
        "not_measured_reason",
        "target_override",
        "computed_status",
        "commentary",
    ]
    readonly_fields = fields
    ordering = ["period__end_date"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request) -> QuerySet:
        return _with_status(super().get_queryset(request))

    @admin.display(description="status")
    def computed_status(self, reading: Reading) -> str:
        return _status_label(reading) if reading.pk else ""


class SuspensionInline(admin.TabularInline):
    """Shown here; recorded and changed on their own page, where the approval rule applies."""

    model = Suspension
    extra = 0
    fields = ["first_quarter", "last_quarter", "reason"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RuleChangeInline(admin.TabularInline):
    """Earlier rules, kept so that past quarters are judged as they were; never edited."""

    model = RuleChange
    extra = 0
    fields = ["effective_from", "previous_target", "previous_detriment", "previous_failure"]
    fields += ["reason", "changed_by", "changed_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# The contract's page with its KPIs inline, in place of the contracts app's own.
admin.site.unregister(Contract)
admin.site.register(Contract, ContractWithKpisAdmin)


@admin.register(Kpi)
class KpiAdmin(ReasonAdmin, HistoryAdmin):
    form = KpiAdminForm
    list_display = [
        "reference",
        "short_description",
        "contract",
        "service_area",
        "frequency",
        "unit",
        "direction",
        "target",
        "detriment",
        "failure",
    ]
    list_filter = ["contract", "service_area", "frequency", "unit", "direction", "published"]
    search_fields = ["reference", "description", "contract__code"]
    list_select_related = ["contract", "service_area"]
    inlines = [SuspensionInline, RuleChangeInline, ReadingInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "contract",
                    "service_area",
                    "reference",
                    "description",
                    "position",
                    "published",
                ]
            },
        ),
        ("Measure", {"fields": ["frequency", "unit", "direction", "scale_min", "scale_max"]}),
        (
            "Life span",
            {
                "fields": ["measured_from", "retired_after"],
                "description": "Quarters outside the life span are not in force: shown as "
                "such, never counted, never offered for entry. Leave both empty for a KPI "
                "measured throughout the contract.",
            },
        ),
        (
            "Months",
            {"fields": ["rollup", "numerator_label", "denominator_label"]},
        ),
        (
            "Target and thresholds",
            {"fields": [*RULE_FIELDS, "rules_from"]},
        ),
        (None, {"fields": ["notes"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            obj
            and obj.readings.filter(
                period__returns__contract=obj.contract_id,
                period__returns__state=ReturnState.APPROVED,
            ).exists()
        ):
            # Approved quarters were judged in this unit and direction: a new KPI is needed.
            readonly += ["contract", "frequency", "unit", "direction"]
        return readonly

    def save_model(self, request, obj, form, change) -> None:
        if not form.rule_changed:
            return super().save_model(request, obj, form, change)
        decisions.change_rule(
            kpi=obj,
            effective_from=form.cleaned_data.get("rules_from"),
            target=obj.target,
            target_strict=obj.target_strict,
            detriment=obj.detriment,
            failure=obj.failure,
            threshold_basis=obj.threshold_basis,
            reason=form.reason,
            user=request.user,
        )

    @admin.display(description="description")
    def short_description(self, kpi: Kpi) -> str:
        return kpi.description if len(kpi.description) <= 70 else kpi.description[:67] + "…"


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class MonthlyFigureInline(admin.TabularInline):
    """A monthly KPI's months, changed only while their quarter's readings may be: the quarter's
    figure is then written from them (`ReadingAdmin.save_related`)."""

    model = MonthlyFigure
    extra = 0
    max_num = 3
    fields = ["month_end", "value", "not_measured_reason", "numerator", "denominator"]
    ordering = ["month_end"]

    def _editable(self, request, obj) -> bool:
        return obj is None or not _edit_refusal(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


@admin.register(Reading)
class ReadingAdmin(RefusedDeletes, ReasonAdmin, HistoryAdmin):
    form = ReadingAdminForm
    list_display = [
        "kpi",
        "period",
        "value",
        "unit",
        "not_measured_reason",
        "target_override",
        "computed_status",
    ]
    list_filter = [StatusFilter, "kpi__contract", "period", "kpi__service_area"]
    search_fields = ["kpi__reference", "kpi__description", "commentary", "not_measured_reason"]
    readonly_fields = ["computed_status", "reported_as", "updated_at", "version"]
    autocomplete_fields = ["kpi"]
    inlines = [MonthlyFigureInline]

    def save_related(self, request, form, formsets, change) -> None:
        """Months changed here make the quarter's figure, as on the return page."""
        super().save_related(request, form, formsets, change)
        saving.roll_up_stored_months(
            form.instance, user=request.user, reason="Quarter worked out from its months"
        )

    def get_queryset(self, request) -> QuerySet:
        return _with_status(super().get_queryset(request))

    def has_change_permission(self, request, obj=None) -> bool:
        # Only a draft quarter is edited, here as on the return page.
        return super().has_change_permission(request, obj) and not _edit_refusal(request, obj)

    def delete_refusal(self, request, obj: Reading) -> str:
        # The quarter's state as it is once locked, for the delete's transaction to decide on.
        locks.lock_return(obj.kpi.contract_id, obj.period.end_date)
        return _edit_refusal(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reading = self.get_object(request, object_id)
        reason = _edit_refusal(request, reading)
        if reason and request.method == "GET":
            messages.warning(request, f"Shown read-only. {reason}")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="status")
    def computed_status(self, reading: Reading) -> str:
        return _status_label(reading)


@admin.register(Suspension)
class SuspensionAdmin(RefusedDeletes, ReasonAdmin, HistoryAdmin):
    form = SuspensionAdminForm
    list_display = ["kpi", "first_quarter", "last_quarter", "reason"]
    list_filter = ["kpi__contract"]
    search_fields = ["kpi__reference", "reason"]
    list_select_related = ["kpi__contract"]
    autocomplete_fields = ["kpi"]

    def delete_refusal(self, request, obj: Suspension) -> str:
        # Approved quarters were counted with it.
        return decisions.suspension_change_refusal(
            request.user, suspension_id=obj.pk, kpi=None, span=None
        )


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["label", "end_date", "financial_year", "quarter"]
    list_filter = ["financial_year", "quarter"]
    search_fields = ["end_date"]

    def get_readonly_fields(self, request, obj=None):
        # A quarter with returns is part of the record: its dates never move.
        if obj and obj.returns.exists():
            return ["end_date"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.returns.exists())


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(ReasonAdmin, HistoryAdmin):
    form = QuarterlyReturnAdminForm
    list_display = ["contract", "period", "state", "submitted_at", "approved_at", "approved_by"]
    list_filter = ["state", "contract", "period"]
    list_select_related = ["contract", "period", "approved_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["contract", "period", "change_reason"]
        return [*self.get_readonly_fields(request, obj), "transition", "change_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            *("contract", "period", "state", "submitted_by", "submitted_at"),
            *("approved_by", "approved_at", "reopen_reason"),
            # Set by back-filling only, which is done from the import page or command.
            *("backfill_source", "backfill_page", "backfilled_by", "backfilled_at"),
        ]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only a draft may go; an approved or submitted quarter is part of the record.
        allowed = obj is None or obj.state == ReturnState.DRAFT
        return super().has_delete_permission(request, obj) and allowed

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            return super().save_model(request, obj, form, change)
        key = form.cleaned_data.get("transition") or ""
        action = TRANSITIONS[key][1]
        if action is None:
            return None
        if action == Action.SUBMIT:
            workflow.submit_return(quarterly_return=obj, user=request.user)
        elif action == Action.APPROVE:
            workflow.approve_return(quarterly_return=obj, user=request.user)
        elif action == Action.SEND_BACK:
            workflow.send_back_return(quarterly_return=obj, user=request.user, reason=form.reason)
        else:
            workflow.reopen_return(quarterly_return=obj, user=request.user, reason=form.reason)
        return None


@admin.register(PublishedSummary)
class PublishedSummaryAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["service_area", "period", "measured", "met", "source"]
    list_filter = ["service_area__contract", "period"]
    list_select_related = ["service_area__contract", "period"]


@admin.register(Unit)
class UnitAdmin(ReasonAdmin, HistoryAdmin):
    list_display = ["label", "code", "kind", "symbol", "contract"]
    list_filter = ["kind", "contract"]
    list_select_related = ["contract"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Figures were checked and files written against these: a new unit is needed instead.
        if obj is not None and obj.kpis.exists():
            return ["code", "kind", "contract"]
        return []


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):
    """Read-only: a rule changes through the KPI, from a named quarter."""

    list_display = ["kpi", "effective_from", "previous_target", "reason", "changed_by"]
    list_filter = ["kpi__contract"]
    list_select_related = ["kpi__contract", "changed_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SuspensionRequest)
class SuspensionRequestAdmin(HistoryAdmin):
    """Officers' requests and managers' decisions, read only: decided on the request's page."""

    list_display = ["kpi", "first_quarter", "last_quarter", "state", "requested_by", "decided_by"]
    list_filter = ["state", "kpi__contract"]
    list_select_related = ["kpi", "requested_by", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
