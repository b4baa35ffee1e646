"""A real streaming replica for the tests of reads from replicas (`make test-replicas` makes one).

In the rest of the suite a replica alias mirrors the primary. Here it is pointed at the replica
itself, which receives the test database from the primary as any other change. The tests commit
what they write (transactional), since a replica never sees a transaction that is still open.
"""

from __future__ import annotations

import time

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections

from serco_kpi.replicas import replica_aliases

ALIAS = "replica1"

needs_replica = [
    pytest.mark.skipif(
        not replica_aliases(), reason="needs a replica: make test-replicas starts one"
    ),
    pytest.mark.django_db(transaction=True, databases=["default", ALIAS]),
]


class Replica:
    """The replica under test, driven over a connection of its own so that nothing it does is
    counted among a page's queries or joins a page's transaction."""

    def __init__(self, settings_dict: dict):
        self.settings_dict = settings_dict
        self._control = psycopg2.connect(
            host=settings_dict["HOST"],
            port=settings_dict["PORT"],
            user=settings_dict["USER"],
            dbname=settings_dict["NAME"],
        )
        self._control.autocommit = True

    def _run(self, sql: str, *params):
        with self._control.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0] if cursor.description else None

    def pause(self) -> None:
        """Hold the replica back: it receives the primary's changes and applies none."""
        self._run("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self._run("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout: float = 30) -> None:
        """Apply everything the primary has committed so far, and wait until it is applied."""
        self.resume()
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        while not self._run("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target):
            if time.monotonic() > deadline:
                raise AssertionError(f"the replica did not reach {target} in {timeout} s")
            time.sleep(0.02)

    def close(self) -> None:
        self._control.close()


@pytest.fixture
def replica():
    """The replica alias pointed at the real replica's copy of this test database."""
    connection = connections[ALIAS]
    mirrored = connection.settings_dict
    connection.close()
    connection.settings_dict = {
        **settings.DATABASES[ALIAS],
        "NAME": connections["default"].settings_dict["NAME"],
    }
    caches["pages"].clear()
    replica = Replica(connection.settings_dict)
    yield replica
    replica.resume()
    replica.close()
    connection.close()
    connection.settings_dict = mirrored
