"""The app's own database connections: PostgreSQL's JIT compiler is off, reading a page from an
index costs about what reading one in order does, and a prepared statement is planned once for
any values."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setting", "value"),
    [
        # Compiling the status expression took longer than running it.
        ("jit", "off"),
        # The tables are in memory or on SSD, not on spinning disks.
        ("random_page_cost", "1.1"),
        # The statements of contracts/compiled.py, planned once per connection.
        ("plan_cache_mode", "force_generic_plan"),
    ],
)
def test_it_sets_postgresql_up_for_its_connections(setting, value):
    if connection.vendor != "postgresql":
        pytest.skip(f"{setting} is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        assert cursor.fetchone() == (value,)
