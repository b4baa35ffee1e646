"""Two decisions about a contract's quarters at the same moment, to show that they run as if one
came after the other (kpis/writes/locks.py).

Each decision runs in its own thread, and so on its own database connection (Django's are
per thread), opened before the start and closed at the end. A barrier releases them together.
Tests that race use `transactional_db`, since the threads must see what the test set up, and
each other's commits.

SQLite has no row locks (Django leaves `FOR UPDATE` out of its SQL there) and its in-memory test
database is not shared between threads, so the races run on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

# Each race is run this many times, each time from a fresh database: one run that happens to
# finish one decision before the other starts proves nothing.
TRIALS = range(4)
# A decision waiting for a lock the other holds waits this long at most; a deadlock that
# PostgreSQL detects is an error raised in the test instead.
TIMEOUT = 60

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has no row locks and no shared in-memory test database: run on PostgreSQL.",
)


@dataclass
class Outcome:
    """What one decision returned, or the refusal it raised."""

    result: object = None
    refusal: Exception | None = None

    @property
    def done(self) -> bool:
        return self.refusal is None


def race(*decisions: Callable[[], object]) -> list[Outcome]:
    """Run the decisions at once, one per thread, and wait for all of them.

    A refusal (`ValidationError`, which `ReturnLocked` is, or `PermissionDenied`) is an outcome;
    anything else, a deadlock or a broken constraint, is raised here.
    """
    barrier = threading.Barrier(len(decisions), timeout=TIMEOUT)
    outcomes = [Outcome() for _ in decisions]
    errors: list[BaseException] = []

    def run(decision: Callable[[], object], outcome: Outcome) -> None:
        try:
            # Connected before the barrier, so that neither starts late by a connection's time.
            connection.ensure_connection()
            barrier.wait()
            outcome.result = decision()
        except (ValidationError, PermissionDenied) as refusal:
            outcome.refusal = refusal
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=pair) for pair in zip(decisions, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "A decision never finished."
    if errors:
        raise errors[0]
    return outcomes


def one_done(outcomes: list[Outcome]) -> Outcome:
    """The one decision that went through, after checking that the other was refused."""
    assert [o.done for o in outcomes].count(True) == 1, outcomes
    return next(o for o in outcomes if o.done)
