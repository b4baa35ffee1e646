"""Reported against computed: the supplier's published counts beside the app's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import Sight
from kpis.reads import contract_tables, together
from kpis.reads.reported import compare, judged, suspended_kpis


@login_required
def reported_against_computed(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    contract = get_contract_for(request.user, code)
    # Its quarters, the supplier's published counts and what judging its KPIs' readings needs,
    # in one query: none of the other small tables is shown here.
    together.preload(
        contract,
        (
            contract_tables.PERIODS,
            contract_tables.SUMMARIES,
            contract_tables.SUMMARY_QUARTERS,
            contract_tables.SERVICE_AREAS,
            *contract_tables.GRID,
        ),
    )
    readable = Sight.of(request.user, contract).shown(contract_tables.periods(contract))
    # Every readable reading with its status, read once: the counts, the readings behind a
    # difference and the suspended KPIs are all taken from them.
    readings = judged(contract, today, readable=readable)
    comparisons = compare(contract, today, readable=readable, readings=readings)
    return render(
        request,
        "kpis/reported.html",
        {
            "contract": contract,
            "comparisons": comparisons,
            "differences": [c for c in comparisons if c.differs],
            "suspended": suspended_kpis(contract, today, readable=readable, readings=readings),
        },
    )
