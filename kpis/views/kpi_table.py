"""The KPI performance table (the report's Appendix B), with its CSV and Excel downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django_tables2 import RequestConfig

from kpis import display, extensions, page_cache
from kpis.access import get_contract_for
from kpis.filters import KpiFilter
from kpis.grid import build_grid
from kpis.models import ReportingPeriod
from kpis.tables import KpiTable, SafeTableExport
from kpis.visibility import PUBLIC, Sight

DOWNLOADS = {"csv": "CSV", "xlsx": "Excel"}


@login_required
def kpi_table(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    download = request.GET.get("_export")
    if download in DOWNLOADS:
        # Downloads leave the app, so they carry approved figures only, whoever asks.
        table, _, _ = _table(request, contract, PUBLIC)
        export = SafeTableExport(download, table, dataset_kwargs={"title": f"{contract.code} KPIs"})
        return export.response(filename=f"{contract.code}-kpi-performance.{download}")
    body = page_cache.fragment(request, contract, "kpi_table", lambda: _body(request, contract))
    return render(request, "kpis/kpi_table.html", {"contract": contract, "body": body})


def _table(request: HttpRequest, contract, sight: Sight) -> tuple[KpiTable, KpiFilter, list]:
    today = timezone.localdate()
    periods = list(ReportingPeriod.objects.for_contract(contract))
    filters = KpiFilter(
        request.GET or None, contract=contract, periods=periods, today=today, sight=sight
    )
    shown = filters.shown_periods
    rows = build_grid(filters.qs, shown, today, sight=sight)
    if sight is not PUBLIC:
        extensions.mark_rows(rows, contract)
    table = KpiTable(rows, shown, with_thresholds=any(r.kpi.has_thresholds for r in rows))
    RequestConfig(request, paginate=False).configure(table)
    return table, filters, shown


def _body(request: HttpRequest, contract) -> page_cache.Fragment:
    sight = Sight.of(request.user, contract)
    table, filters, shown = _table(request, contract, sight)
    html = render_to_string(
        "kpis/_kpi_table_body.html",
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
        request=request,
    )
    return page_cache.Fragment(html, has_errors=bool(filters.form.errors))
