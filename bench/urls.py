"""The app's own addresses, plus /bench/floor/: a pre-rendered page served as fast as Django can.

The floor goes through the same middleware as every page but does no work of its own, so the
KPI table's requests per second against it show how much the page itself costs.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from serco_kpi.urls import handler500  # noqa: F401
from serco_kpi.urls import urlpatterns as app_urlpatterns


@cache
def _floor_page() -> bytes:
    return Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_floor_page())


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *app_urlpatterns]
