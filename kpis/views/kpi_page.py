"""One KPI: its definition, thresholds, trend chart, every reading and its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kpis.access import get_kpi_for
from kpis.charts import describe, trend_svg
from kpis.grid import build_grid
from kpis.history import kpi_history
from kpis.models import Kpi, ReportingPeriod


@login_required
def kpi_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    today = timezone.localdate()
    kpi = get_kpi_for(request.user, code, pk)
    periods = list(ReportingPeriod.objects.for_contract(kpi.contract))
    rows = build_grid(Kpi.objects.filter(pk=kpi.pk), periods, today)
    cells = rows[0].cells if rows else []
    kpi = rows[0].kpi if rows else kpi
    return render(
        request,
        "kpis/kpi_detail.html",
        {
            "contract": kpi.contract,
            "kpi": kpi,
            "cells": cells,
            "chart": trend_svg(cells),
            "chart_text": describe(cells) if cells else "",
            "suspensions": list(kpi.suspensions.all()),
            "history": kpi_history(kpi),
        },
    )
