"""For runs built from the models (`--no-migrations`, as `make mutation` runs): the first test
database a process builds is kept, and every later run in that process, or in a child forked
from it, starts from a copy of it instead of building the tables again.

mutmut runs the suite in its own process first, then each mutant's tests in a forked child.
Building the tables and their permissions took half a second of every child's run, more than
most mutants need to be caught; copying the kept database back takes milliseconds.
"""

import sqlite3

from django.core.management.commands import migrate
from django.db import connections

_kept: bytes | None = None


def keep(alias: str = "default") -> None:
    """Keep the test database as it is now: tables made, no rows of any test yet."""
    global _kept
    connection = connections[alias]
    if _kept is None and connection.vendor == "sqlite":
        connection.ensure_connection()
        _kept = connection.connection.serialize()


def copy_in_place_of_the_next_migrate() -> None:
    """Let the next `migrate`, the one that builds the test database, copy the kept one in.

    Only the next: a `migrate` a test runs itself must do what it always does.
    """
    if _kept is None:
        return
    building = migrate.Command

    class CopyKeptDatabase(building):
        def handle(self, *args, **options):
            migrate.Command = building
            connection = connections[options.get("database") or "default"]
            if connection.vendor != "sqlite":
                return super().handle(*args, **options)
            connection.ensure_connection()
            kept = sqlite3.connect(":memory:")
            try:
                kept.deserialize(_kept)
                kept.backup(connection.connection)
            finally:
                kept.close()

    migrate.Command = CopyKeptDatabase
