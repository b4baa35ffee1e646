"""Production settings plus the floor pages the KPI table is compared with (tools/bench/urls.py)."""

import os

from django.conf import global_settings

from serco_kpi.settings import *  # noqa: F403

ROOT_URLCONF = "tools.bench.urls"

# To compare session stores, such as django.contrib.sessions.backends.cached_db or
# signed_cookies, with the database store the app uses (docs/performance.md says which won).
SESSION_ENGINE = os.environ.get("BENCH_SESSION_ENGINE") or global_settings.SESSION_ENGINE

# BENCH_PAGE_CACHE=off: a server whose every page is built afresh, as after each change to a
# contract, for the bench to time beside the one with the page cache (tools/bench/run.py).
if os.environ.get("BENCH_PAGE_CACHE") == "off":
    CACHES = {
        **CACHES,  # noqa: F405
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
