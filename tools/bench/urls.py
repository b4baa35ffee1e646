"""The app's own addresses, plus two floors: a pre-rendered page served as fast as Django can.

Both floors go through the same middleware as every page but do no work of their own, so the
KPI table's requests per second against them show how much the page itself costs. /bench/floor/
never reads the session or the user, which no real page can avoid; /bench/floor/signed-in/ serves
the same bytes behind `login_required`, as the KPI table is, to a signed-in client.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from serco_kpi.urls import handler500  # noqa: F401
from serco_kpi.urls import urlpatterns as app_urlpatterns


@cache
def _floor_page() -> bytes:
    return Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_floor_page())


@login_required
def signed_in_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_floor_page())


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/signed-in/", signed_in_floor, name="bench_signed_in_floor"),
    *app_urlpatterns,
]
