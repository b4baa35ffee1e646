"""The KPI performance table (the report's Appendix B), with its CSV and Excel downloads; on
request ("Show months"), each monthly KPI's months beneath its quarters, in both."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django_tables2 import RequestConfig

from kpis.pages import page_cache
from kpis.pages.filters import KpiFilter
from kpis.pages.tables import KpiTable, SafeTableExport, add_months
from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads import contract_tables, display, marks, together
from kpis.reads.grid import build_grid
from kpis.reads.scorecard import year_scorecard
from kpis.reads.summary import Counts

DOWNLOADS = {"csv": "CSV", "xlsx": "Excel"}


@login_required
def kpi_table(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    download = request.GET.get("_export")
    if download in DOWNLOADS:
        # Downloads leave the app, so they carry approved figures only, whoever asks.
        table, _, _ = _table(request, contract, PUBLIC, with_year=False)
        export = SafeTableExport(download, table, dataset_kwargs={"title": f"{contract.code} KPIs"})
        return export.response(filename=f"{contract.code}-kpi-performance.{download}")
    sight = Sight.of(request.user, contract)
    filters, query, keyed = _checked(request, contract, sight)
    body = page_cache.fragment(
        request, contract, "kpi_table", lambda: _body(keyed, contract, sight, filters), query=query
    )
    return render(request, "kpis/kpi_table.html", {"contract": contract, "body": body})


def _checked(
    request: HttpRequest, contract, sight: Sight
) -> tuple[KpiFilter | None, str | None, HttpRequest]:
    """The filters asked for, checked; the page's key (`page_cache.form_query`, and the
    sorting); and the request to build it from, holding only the parameters the table reads, so
    that no other makes an entry of its own or shows in its links.

    Filters are checked against the contract's quarters and service areas, which a page asking
    for none does not read.
    """
    asked = page_cache.asked(request, [*KpiFilter.base_filters, "sort"])
    sorting = _sorting(asked.getlist("sort"))
    asked.setlist("sort", sorting)  # in place: the order sent is kept
    filters = None
    if any(name in asked for name in KpiFilter.base_filters):
        filters = _filters(asked, contract, sight)
    query = page_cache.form_query(filters.form) if filters is not None else page_cache.NO_FILTER
    if query is None:
        return filters, None, request
    query = "&".join(q for q in (query, urlencode({"sort": sorting}, doseq=True)) if q)
    return filters, query, page_cache.with_query(request, asked.urlencode())


def _sorting(aliases: list[str]) -> list[str]:
    """The columns asked to sort by that the table has, each once (the table ignores others)."""
    wanted: dict[str, str] = {}
    for alias in aliases:
        name = alias.removeprefix("-")
        if name in KpiTable.base_columns:
            wanted.setdefault(name, alias)
    return list(wanted.values())


def _filters(data, contract, sight: Sight) -> KpiFilter:
    today = timezone.localdate()
    # The quarters, with the small tables beside the grid (suspensions, changes of rule, packs
    # published, service areas), in one query.
    together.preload(contract)
    contract_tables.hold_service_areas(contract)
    periods = contract_tables.periods(contract)
    return KpiFilter(data or None, contract=contract, periods=periods, today=today, sight=sight)


def _table(
    request: HttpRequest,
    contract,
    sight: Sight,
    filters: KpiFilter | None = None,
    *,
    with_year: bool = True,
) -> tuple[KpiTable, KpiFilter, list]:
    """The table of the quarters shown; `with_year`, the year to date beside them (on screen:
    the downloads hold the quarters' figures alone)."""
    today = timezone.localdate()
    if filters is None:
        filters = _filters(request.GET, contract, sight)
    shown = filters.shown_periods
    rows = build_grid(
        filters.qs, shown, today, sight=sight, held_periods=filters.periods, contract=contract
    )
    if sight is not PUBLIC:
        marks.mark_rows(rows, contract)
    months = filters.shows_months
    if months:
        # Read for the cells built for this reader: a quarter they may not see holds no reading,
        # so its months (a draft's, say) are never read.
        add_months(cell for row in rows for cell in row.cells)
    year = filters.year_shown if with_year else None
    card = None
    if year is not None:
        card, by_kpi = year_scorecard(contract, year, today)
        for row in rows:
            row.year = by_kpi.get(row.kpi.pk, Counts())
    table = KpiTable(
        rows,
        shown,
        with_thresholds=any(r.kpi.has_thresholds for r in rows),
        months=months,
        year=year,
    )
    table.year_card = card
    RequestConfig(request, paginate=False).configure(table)
    return table, filters, shown


def _body(
    request: HttpRequest, contract, sight: Sight, filters: KpiFilter | None = None
) -> page_cache.Fragment:
    table, filters, shown = _table(request, contract, sight, filters)
    html = render_to_string(
        "kpis/_kpi_table_body.html",
        {
            "contract": contract,
            "filter": filters,
            "table": table,
            "shown": shown,
            "shown_values": [p.end_date.isoformat() for p in shown],
            "card": table.year_card,
            "year_value": str(table.year.financial_year) if table.year else "",
            "downloads": DOWNLOADS,
            "shows_drafts": sight.any_draft(shown),
            "show_months": table.months,
            "sources": display.sources(shown, sight),
            "gaps": display.gaps(shown, filters.periods),
        },
        request=request,
    )
    return page_cache.Fragment(html, has_errors=bool(filters.form.errors))
