"""The committee pack: one printable page per contract and quarter."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from contracts.models import Contract
from kpis import display, extensions
from kpis.access import get_contract_for
from kpis.grid import build_grid
from kpis.models import Kpi, ReportingPeriod
from kpis.scorecard import scorecard
from kpis.status import Status
from kpis.visibility import PUBLIC

# What the exceptions section leaves out: the plain hits, and quarters a KPI was not due.
_NOT_EXCEPTIONS = {Status.MET, Status.NOT_DUE}


def pack_context(contract: Contract, quarter: str, today: datetime.date) -> dict:
    """What a pack shows for the quarter ending `quarter` (YYYY-MM-DD), or 404.

    The page and its PDF (the `packs` app) print the same context.
    """
    try:
        end_date = datetime.date.fromisoformat(quarter)
    except ValueError:
        raise Http404("No such quarter.") from None
    periods = list(ReportingPeriod.objects.for_contract(contract))
    period = next((p for p in periods if p.end_date == end_date), None)
    if period is None:
        raise Http404("This contract has no return for that quarter.")
    # The financial year to date, as the report's Appendix B prints it.
    year = [
        p for p in periods if p.financial_year == period.financial_year and p.end_date <= end_date
    ]
    # A pack is what the committee is shown: approved quarters only, whoever prints it.
    rows = build_grid(
        Kpi.objects.for_contract(contract).in_report_order(), year, today, sight=PUBLIC
    )
    extensions.mark_rows(rows, contract)
    approved = PUBLIC.shows(period)
    exceptions = [
        (row.kpi, row.cells[-1])
        for row in rows
        if approved and row.cells[-1].status not in _NOT_EXCEPTIONS
    ]
    return {
        "contract": contract,
        "period": period,
        "periods": periods,
        "year": year,
        "rows": rows,
        "card": scorecard(contract, year, today, sight=PUBLIC),
        "approved": approved,
        "progress": display.in_progress_status(period.return_state),
        "exceptions": exceptions,
        "with_thresholds": any(r.kpi.has_thresholds for r in rows),
        "sources": display.sources(year, PUBLIC),
    }


@login_required
def committee_pack(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    context = pack_context(contract, quarter, timezone.localdate())
    context["top_panels"] = extensions.panels("pack_top", request, **context)
    context["end_panels"] = extensions.panels("pack_end", request, **context)
    return render(request, "kpis/pack.html", context)
