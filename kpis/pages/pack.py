"""The committee pack: one printable page per contract and quarter."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from kpis.pages import page_cache, panels
from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import PUBLIC
from kpis.reads import contract_tables, display, together
from kpis.reads.committee_pack import pack_context, pack_quarter


@login_required
def committee_pack(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    # The small tables the page shows (its quarters, the packs published, the regime's, the
    # budget), in one query, whether or not its middle comes from the page cache.
    together.preload(contract)
    contract_tables.hold_service_areas(contract)
    found = pack_quarter(contract, quarter)
    period = found[0]

    def body() -> page_cache.Fragment:
        context = pack_context(contract, quarter, timezone.localdate(), found=found)
        context["end_panels"] = panels.panels("pack_end", request, **context)
        return page_cache.Fragment(render_to_string("kpis/_pack_page_body.html", context))

    # Publishing, at the top, carries the CSRF token: rendered on every request.
    context = {
        "contract": contract,
        "period": period,
        "approved": PUBLIC.shows(period),
        "progress": display.in_progress_status(period.return_state),
        "body": page_cache.fragment(
            request, contract, f"pack:{period.end_date}", body, query=page_cache.NO_FILTER
        ),
    }
    context["top_panels"] = panels.panels("pack_top", request, **context)
    return render(request, "kpis/pack.html", context)
