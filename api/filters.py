"""Query-string filters for the API: by contract, service area, quarter and status."""

from __future__ import annotations

import django_filters

from kpis.models import Kpi, Reading
from kpis.rules.status import Status


class KpiFilter(django_filters.FilterSet):
    contract = django_filters.CharFilter(
        field_name="contract__code", label="Contract code, such as PSSP."
    )
    service_area = django_filters.CharFilter(
        field_name="service_area__code", label="Service area code, such as STS."
    )
    reference = django_filters.CharFilter(field_name="reference", label="KPI reference.")

    class Meta:
        model = Kpi
        fields: list[str] = []


class SummaryFilter(django_filters.FilterSet):
    """Chooses the readings that are counted; the same filters serve the readings list."""

    contract = django_filters.CharFilter(
        field_name="kpi__contract__code", label="Contract code, such as PSSP."
    )
    service_area = django_filters.CharFilter(
        field_name="kpi__service_area__code", label="Service area code, such as STS."
    )
    quarter = django_filters.DateFilter(
        field_name="period__end_date", label="Last day of the quarter, such as 2018-06-30."
    )
    financial_year = django_filters.NumberFilter(
        field_name="period__financial_year",
        label="Year the financial year starts: 2018.",
        min_value=1990,
        max_value=2100,
    )

    class Meta:
        model = Reading
        fields: list[str] = []


class ReadingFilter(SummaryFilter):
    kpi = django_filters.CharFilter(field_name="kpi__reference", label="KPI reference.")
    status = django_filters.ChoiceFilter(
        field_name="status", choices=Status.choices, label="Status, as computed today."
    )

    class Meta(SummaryFilter.Meta):
        pass
