"""What the API says about each thing. Every field is read-only: the API never writes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.travel import ReadingListSerializer, TravelField
from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod
from kpis.reads.exports import entered_for_quarter, judge_month
from kpis.rules.status import Status


class ServiceAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceArea
        fields = ["code", "name", "position"]


class ContractSerializer(serializers.ModelSerializer):
    service_areas = ServiceAreaSerializer(many=True, read_only=True)
    current_end_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The end date once extensions are counted."
    )

    class Meta:
        model = Contract
        fields = [
            "code",
            "name",
            "authority",
            "supplier",
            "description",
            "start_date",
            "end_date",
            "current_end_date",
            "stated_kpi_count",
            "procured_under_act",
            "estimated_value",
            "procurement_title",
            "procurement_identifier",
            "contract_identifier",
            "supplier_legal_name",
            "supplier_address",
            "supplier_email",
            "supplier_identifier",
            "terminated_on",
            "service_areas",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text="As reports print it: Jun-18.")

    class Meta:
        model = ReportingPeriod
        fields = ["end_date", "start_date", "financial_year", "quarter", "label"]


class KpiSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service_area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.CharField(
        source="unit_id", read_only=True, help_text="The unit's code: percent, count, kg ..."
    )

    class Meta:
        model = Kpi
        fields = [
            "id",
            "contract",
            "service_area",
            "reference",
            "description",
            "published",
            "frequency",
            "unit",
            "direction",
            "target",
            "target_strict",
            "detriment",
            "failure",
            "threshold_basis",
            "scale_min",
            "scale_max",
            "measured_from",
            "retired_after",
            "rollup",
            "numerator_label",
            "denominator_label",
            "notes",
        ]
        extra_kwargs = {
            "direction": {
                "help_text": "higher or lower; empty for a data-only KPI, which has no target."
            },
            "measured_from": {
                "help_text": "The last day of the first quarter measured; null: from the "
                "contract's start. Quarters outside the life span are not in force."
            },
            "retired_after": {
                "help_text": "The last day of the last quarter measured; null: still measured."
            },
            "rollup": {
                "help_text": "How a monthly KPI's three months make its quarter's figure: sum, "
                "average, last, worst or ratio (recomputed from the months' parts); empty: the "
                "usual for its unit and parts."
            },
            "numerator_label": {
                "help_text": "Where each month is collected as two parts, what is counted "
                "('calls answered'); empty: months are single figures."
            },
            "denominator_label": {
                "help_text": "What the numerator is counted out of ('calls offered')."
            },
        }


class MonthSerializer(serializers.ModelSerializer):
    """One month beneath a monthly KPI's quarter, judged by the rule in force for the quarter."""

    status = serializers.SerializerMethodField(
        help_text="The month judged by the same rules as its quarter, against the target and "
        "thresholds in force for the quarter; suspended where the quarter is."
    )
    would_have_been = serializers.SerializerMethodField(
        help_text="For a month of a suspended quarter, the status it would have had."
    )

    class Meta:
        model = MonthlyFigure
        fields = [
            "month_end",
            "value",
            "not_measured_reason",
            "numerator",
            "denominator",
            "status",
            "would_have_been",
        ]
        extra_kwargs = {
            "month_end": {"help_text": "The last day of the month."},
            "value": {"help_text": "The month's figure, in the KPI's unit; null if none."},
            "not_measured_reason": {"help_text": "Why the month has no figure, where it has none."},
            "numerator": {
                "help_text": "Where the KPI collects months as two parts (its numerator_label), "
                "what was counted; the figure is worked out from the parts. Null otherwise."
            },
            "denominator": {"help_text": "What the numerator was counted out of."},
        }

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, month: MonthlyFigure) -> str:
        return judge_month(month).status.value

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_would_have_been(self, month: MonthlyFigure) -> str | None:
        would_have_been = judge_month(month).would_have_been
        return would_have_been.value if would_have_been else None


class ReadingSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="kpi.contract.code", read_only=True)
    service_area = serializers.CharField(source="kpi.service_area.code", read_only=True)
    kpi_reference = serializers.CharField(source="kpi.reference", read_only=True)
    quarter_end = serializers.DateField(source="period.end_date", read_only=True)
    financial_year = serializers.IntegerField(source="period.financial_year", read_only=True)
    quarter = serializers.IntegerField(source="period.quarter", read_only=True)
    unit = serializers.CharField(
        source="unit_id", read_only=True, help_text="The code of the unit the figure is in."
    )
    target = serializers.DecimalField(
        source="rule_target",
        max_digits=12,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="The target in force that quarter: the quarter's own, or the KPI's default.",
    )
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    would_have_been = serializers.ChoiceField(
        choices=Status.choices,
        read_only=True,
        allow_null=True,
        help_text="For a suspended reading, the status it would have had.",
    )
    travel_previous = TravelField(
        read_only=True,
        help_text="Direction of travel since the previous quarter (for an annual KPI, the "
        "previous year end), compared with approved figures only.",
    )
    travel_year = TravelField(
        read_only=True,
        help_text="Direction of travel since the same quarter a year before.",
    )
    months = MonthSerializer(
        many=True,
        read_only=True,
        help_text="For a monthly KPI, the months held beneath the quarter, in order, its "
        "figure having been worked out from them; empty for a quarterly or annual KPI, and for a "
        "quarter entered for the quarter alone (see entered_for_quarter).",
    )
    entered_for_quarter = serializers.SerializerMethodField(
        help_text="True where a monthly KPI's quarter has a figure or a reason entered for the "
        "quarter alone, with no months held beneath it."
    )

    class Meta:
        model = Reading
        list_serializer_class = ReadingListSerializer
        fields = [
            "id",
            "contract",
            "service_area",
            "kpi",
            "kpi_reference",
            "quarter_end",
            "financial_year",
            "quarter",
            "value",
            "unit",
            "not_measured_reason",
            "target",
            "status",
            "would_have_been",
            "travel_previous",
            "travel_year",
            "commentary",
            "reported_as",
            "updated_at",
            "months",
            "entered_for_quarter",
        ]

    def get_entered_for_quarter(self, reading: Reading) -> bool:
        return entered_for_quarter(reading, list(reading.months.all()))


class SummarySerializer(serializers.Serializer):
    """One service area in one quarter: the counts computed from the figures, and those reported."""

    contract = serializers.CharField()
    service_area = serializers.CharField()
    service_area_name = serializers.CharField()
    quarter_end = serializers.DateField()
    financial_year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    measured = serializers.IntegerField()
    met = serializers.IntegerField()
    below_target = serializers.IntegerField()
    detriment = serializers.IntegerField()
    failure = serializers.IntegerField()
    suspended = serializers.IntegerField()
    not_measured = serializers.IntegerField()
    not_due = serializers.IntegerField()
    missing = serializers.IntegerField()
    data_only = serializers.IntegerField(
        help_text="Figures with no target in force: shown, never counted as measured or met."
    )
    reported_measured = serializers.IntegerField(
        allow_null=True, help_text="KPIs measured as the supplier's report gives it, if held."
    )
    reported_met = serializers.IntegerField(
        allow_null=True, help_text="KPIs hit as the supplier's report gives it, if held."
    )
    differs_from_reported = serializers.BooleanField(
        help_text="True where the reported counts are held and disagree with the computed ones."
    )


class ServiceFailureSerializer(serializers.Serializer):
    contract = serializers.CharField()
    kpi_reference = serializers.CharField()
    quarter_end = serializers.DateField()
    reason = serializers.ChoiceField(
        choices=["failure", "detriment"],
        help_text="failure: at the failure threshold; detriment: made of detriments.",
    )
    quarters = serializers.ListField(
        child=serializers.DateField(), help_text="The quarters that make it a failure."
    )
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    relieved = serializers.BooleanField()
    relief_reason = serializers.CharField(allow_blank=True)


class CreditSerializer(serializers.Serializer):
    contract = serializers.CharField()
    quarter_end = serializers.DateField()
    financial_year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    service_failures = serializers.IntegerField()
    relieved = serializers.IntegerField()
    credit_due = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Null when it cannot be worked out (see problem).",
    )
    problem = serializers.CharField(allow_blank=True)
    capped_by = serializers.ListField(child=serializers.CharField())
    credit_applied = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    due_but_not_applied = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    persistent_failures = serializers.ListField(child=serializers.CharField())
