"""The app's own database connections: PostgreSQL's JIT compiler is off, and reading a page
from an index costs about what reading one in order does."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_turns_postgresqls_jit_off_for_its_connections():
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_it_plans_a_prepared_statement_once_for_any_values():
    if connection.vendor != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


@pytest.mark.django_db
def test_it_tells_postgresql_that_index_pages_cost_little_more_than_pages_in_order():
    if connection.vendor != "postgresql":
        pytest.skip("random_page_cost is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
