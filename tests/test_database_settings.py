"""The app's own database connections: PostgreSQL's JIT compiler is off."""

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
