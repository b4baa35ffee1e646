from django.contrib import admin
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin

from kpis.models import Kpi, PublishedSummary, QuarterlyReturn, Reading, ReportingPeriod, Suspension
from kpis.services import is_locked
from kpis.status import Status


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


def _is_locked(reading: Reading | None) -> bool:
    if reading is None or reading.pk is None:
        return False
    return is_locked(contract_id=reading.kpi.contract_id, period_id=reading.period_id)


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
    model = Suspension
    extra = 0


@admin.register(Kpi)
class KpiAdmin(SimpleHistoryAdmin):
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
    list_filter = ["contract", "service_area", "frequency", "unit", "direction"]
    search_fields = ["reference", "description", "contract__code"]
    list_select_related = ["contract", "service_area"]
    inlines = [SuspensionInline, ReadingInline]
    fieldsets = [
        (None, {"fields": ["contract", "service_area", "reference", "description", "position"]}),
        ("Measure", {"fields": ["frequency", "unit", "direction", "scale_min", "scale_max"]}),
        ("Target and thresholds", {"fields": ["target", "target_strict", "detriment", "failure"]}),
        (None, {"fields": ["notes"]}),
    ]

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


@admin.register(Reading)
class ReadingAdmin(SimpleHistoryAdmin):
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

    def get_queryset(self, request) -> QuerySet:
        return _with_status(super().get_queryset(request))

    def has_change_permission(self, request, obj=None) -> bool:
        # An approved quarter is locked here as everywhere: reopen the return to change it.
        return super().has_change_permission(request, obj) and not _is_locked(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not _is_locked(obj)

    @admin.display(description="status")
    def computed_status(self, reading: Reading) -> str:
        return _status_label(reading)


@admin.register(Suspension)
class SuspensionAdmin(SimpleHistoryAdmin):
    list_display = ["kpi", "first_quarter", "last_quarter", "reason"]
    list_filter = ["kpi__contract"]
    search_fields = ["kpi__reference", "reason"]
    list_select_related = ["kpi__contract"]
    autocomplete_fields = ["kpi"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["label", "end_date", "financial_year", "quarter"]
    list_filter = ["financial_year", "quarter"]
    search_fields = ["end_date"]


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "period", "state", "submitted_at", "approved_at", "approved_by"]
    list_filter = ["state", "contract", "period"]
    list_select_related = ["contract", "period", "approved_by"]


@admin.register(PublishedSummary)
class PublishedSummaryAdmin(admin.ModelAdmin):
    list_display = ["service_area", "period", "measured", "met", "source"]
    list_filter = ["service_area__contract", "period"]
    list_select_related = ["service_area__contract", "period"]
