"""The KPI performance table (the report's Appendix B), with its CSV and Excel downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_tables2 import RequestConfig

from kpis import display, extensions
from kpis.access import get_contract_for
from kpis.filters import KpiFilter
from kpis.grid import build_grid
from kpis.models import ReportingPeriod
from kpis.tables import KpiTable, SafeTableExport
from kpis.visibility import PUBLIC, Sight

DOWNLOADS = {"csv": "CSV", "xlsx": "Excel"}


@login_required
def kpi_table(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    contract = get_contract_for(request.user, code)
    periods = list(ReportingPeriod.objects.for_contract(contract))
    download = request.GET.get("_export")
    # Downloads leave the app, so they carry approved figures only, whoever asks.
    sight = PUBLIC if download in DOWNLOADS else Sight.of(request.user, contract)
    filters = KpiFilter(
        request.GET or None, contract=contract, periods=periods, today=today, sight=sight
    )
    shown = filters.shown_periods
    rows = build_grid(filters.qs, shown, today, sight=sight)
    if download not in DOWNLOADS:
        extensions.mark_rows(rows, contract)
    table = KpiTable(rows, shown, with_thresholds=any(r.kpi.has_thresholds for r in rows))
    RequestConfig(request, paginate=False).configure(table)

    if download in DOWNLOADS:
        export = SafeTableExport(download, table, dataset_kwargs={"title": f"{contract.code} KPIs"})
        return export.response(filename=f"{contract.code}-kpi-performance.{download}")
    return render(
        request,
        "kpis/kpi_table.html",
        {
            "contract": contract,
            "filter": filters,
            "table": table,
            "shown": shown,
            "shown_values": [p.end_date.isoformat() for p in shown],
            "downloads": DOWNLOADS,
            "shows_drafts": sight.any_draft(shown),
            "sources": display.sources(shown, sight),
        },
    )
