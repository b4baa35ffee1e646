"""Production settings plus the floor pages the KPI table is compared with (tools/bench/urls.py)."""

import os

from django.conf import global_settings

from serco_kpi.settings import *  # noqa: F403

ROOT_URLCONF = "tools.bench.urls"

# To compare session stores, such as django.contrib.sessions.backends.cached_db or
# signed_cookies, with the database store the app uses (docs/performance.md says which won).
SESSION_ENGINE = os.environ.get("BENCH_SESSION_ENGINE") or global_settings.SESSION_ENGINE
