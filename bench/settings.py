"""Production settings plus one extra page: the floor the KPI table is compared with."""

from serco_kpi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
