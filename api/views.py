"""Read-only API views. Each list costs a fixed number of queries, whatever the data size."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import KpiFilter, ReadingFilter, SummaryFilter
from api.serializers import (
    ContractSerializer,
    CreditSerializer,
    KpiSerializer,
    PeriodSerializer,
    ReadingSerializer,
    ServiceFailureSerializer,
    SummarySerializer,
)
from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, MonthlyFigure, PublishedSummary, Reading, ReportingPeriod
from kpis.reads.summary import summarise
from regime.ledger import regime_for
from regime.publication import credit_rows, failure_rows


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Contracts with their service areas."""

    serializer_class = ContractSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            Contract.objects.visible_to(self.request.user)
            .prefetch_related(
                Prefetch("service_areas", queryset=ServiceArea.objects.order_by("position")),
                "extensions",
            )
            .order_by("code")
        )


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarters of the financial year (April to March), known by their last day."""

    serializer_class = PeriodSerializer
    queryset = ReportingPeriod.objects.order_by("end_date")
    lookup_field = "end_date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"


class KpiViewSet(viewsets.ReadOnlyModelViewSet):
    """KPIs with their default targets and thresholds, in the order their reports print them."""

    serializer_class = KpiSerializer
    filterset_class = KpiFilter

    def get_queryset(self) -> QuerySet[Kpi]:
        visible = Contract.objects.visible_to(self.request.user)
        return (
            Kpi.objects.filter(contract__in=visible)
            .select_related("contract", "service_area")
            .order_by("contract__code", "service_area__position", "position", "id")
        )


class ReadingViewSet(viewsets.ReadOnlyModelViewSet):
    """One KPI in one quarter of an approved return: the figure or the reason there is none, and
    its status today; for a monthly KPI, the months beneath it, each judged by the quarter's rule.
    Quarters still being worked on are not served, nor are their months."""

    serializer_class = ReadingSerializer
    filterset_class = ReadingFilter

    def get_queryset(self) -> QuerySet[Reading]:
        visible = Contract.objects.visible_to(self.request.user)
        return (
            Reading.objects.filter(kpi__contract__in=visible)
            .public()
            .with_status(timezone.localdate())
            .with_rule()
            # The units too, for the direction of travel (`api.travel`).
            .select_related("kpi__contract", "kpi__service_area", "kpi__unit", "unit", "period")
            # The months, and what judges them: three queries for the page, whatever its size.
            .prefetch_related(
                Prefetch("months", queryset=MonthlyFigure.objects.order_by("month_end")),
                "kpi__suspensions",
                "kpi__rule_changes",
            )
            .order_by(
                "kpi__contract__code",
                "kpi__service_area__position",
                "kpi__position",
                "kpi_id",
                "period__end_date",
            )
        )


class SummaryView(generics.GenericAPIView):
    """KPIs measured and hit per service area and quarter, beside the counts the supplier reported.

    Counts follow the status rules: only met, below target, detriment and failure are measured.
    Only approved quarters are counted.
    """

    serializer_class = SummarySerializer
    filterset_class = SummaryFilter

    def get_queryset(self) -> QuerySet[Reading]:
        visible = Contract.objects.visible_to(self.request.user)
        return Reading.objects.filter(kpi__contract__in=visible).public()

    @extend_schema(responses=SummarySerializer(many=True))
    def get(self, request: Request) -> Response:
        periods = {p.id: p for p in ReportingPeriod.objects.all()}
        counts = summarise(self.filter_queryset(self.get_queryset()), periods.values())
        area_ids = {area_id for area_id, _ in counts}
        areas = ServiceArea.objects.filter(id__in=area_ids).select_related("contract").in_bulk()
        published = {
            (p.service_area_id, p.period_id): p
            for p in PublishedSummary.objects.filter(service_area_id__in=area_ids)
        }
        rows = [
            _summary_row(areas[key[0]], periods[key[1]], c, published.get(key))
            for key, c in counts.items()
        ]
        rows.sort(
            key=lambda r: (r["contract"], r["_position"], r["service_area"], r["quarter_end"])
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _summary_row(area: ServiceArea, period: ReportingPeriod, counts, published) -> dict:
    row = {
        "contract": area.contract.code,
        "service_area": area.code,
        "service_area_name": area.name,
        "_position": area.position,
        "quarter_end": period.end_date,
        "financial_year": period.financial_year,
        "quarter": period.quarter,
        "measured": counts.measured,
        "met": counts.met,
        "below_target": counts.below_target,
        "detriment": counts.detriment,
        "failure": counts.failure,
        "suspended": counts.suspended,
        "not_measured": counts.not_measured,
        "not_due": counts.not_due,
        "missing": counts.missing,
        "data_only": counts.data_only,
        "reported_measured": published.measured if published else None,
        "reported_met": published.met if published else None,
    }
    row["differs_from_reported"] = bool(published) and (
        (published.measured, published.met) != (counts.measured, counts.met)
    )
    return row


class _RegimeView(generics.GenericAPIView):
    """Rows worked out from one contract's approved quarters by `regime.ledger`."""

    def get_queryset(self) -> QuerySet[Contract]:
        return Contract.objects.visible_to(self.request.user)

    def rows(self, regime) -> list[dict]:
        raise NotImplementedError

    def get(self, request: Request, code: str) -> Response:
        contract = get_object_or_404(self.get_queryset(), code=code)
        rows = self.rows(regime_for(contract, timezone.localdate()))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ServiceFailureView(_RegimeView):
    """A contract's service failures in approved quarters, oldest first, with any relief."""

    serializer_class = ServiceFailureSerializer

    @extend_schema(responses=ServiceFailureSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        return super().get(request, code)

    def rows(self, regime) -> list[dict]:
        return failure_rows(regime)


class CreditView(_RegimeView):
    """A contract's service credits due and applied, per approved quarter, oldest first."""

    serializer_class = CreditSerializer

    @extend_schema(responses=CreditSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        return super().get(request, code)

    def rows(self, regime) -> list[dict]:
        return credit_rows(regime)
