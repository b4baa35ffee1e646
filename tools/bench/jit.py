"""`python tools/bench/jit.py`: what PostgreSQL's JIT costs the main pages' queries on the bench
database.

Run after `make bench`. Renders every main page with the test client, then runs EXPLAIN ANALYZE
on each SELECT it made, with `jit` on and then off (each the best of BENCH_JIT_RUNS, default 5,
as the machine is shared), and prints as one JSON document the queries whose plan used JIT:
their estimated cost, execution times both ways and the milliseconds JIT spent compiling.

PostgreSQL only compiles a query whose estimated cost passes `jit_above_cost` (and inlines and
optimises past `jit_inline_above_cost` and `jit_optimize_above_cost`). BENCH_JIT_SCALE=10 divides
those thresholds by ten, to see on the 100k-reading database what the million-reading one would
do: the counts queries' estimated costs grow with the readings they read.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.bench.run import pages

RUNS = int(os.environ.get("BENCH_JIT_RUNS", "5"))
SCALE = float(os.environ.get("BENCH_JIT_SCALE", "1"))
# PostgreSQL's defaults.
THRESHOLDS = {
    "jit_above_cost": 100_000,
    "jit_inline_above_cost": 500_000,
    "jit_optimize_above_cost": 500_000,
}


def _best(cursor, sql: str, jit: str) -> tuple[float, float, list[str]]:
    """Fastest execution time, the JIT's own time in that run, and its plan."""
    cursor.execute(f"SET jit = {jit}")
    best: tuple[float, float, list[str]] | None = None
    for _ in range(RUNS):
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
        plan = [row[0] for row in cursor.fetchall()]
        total = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
        jit_line = next((line for line in plan if "Timing:" in line and "Total" in line), "")
        spent = re.search(r"Total ([\d.]+) ms", jit_line)
        if best is None or total < best[0]:
            best = (total, float(spent.group(1)) if spent else 0.0, plan)
    assert best is not None
    return best


def compare(url: str, user) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    found = []
    with connection.cursor() as cursor:
        for name, value in THRESHOLDS.items():
            cursor.execute(f"SET {name} = {value / SCALE}")
        for query in captured.captured_queries:
            sql = query["sql"]  # with its parameters filled in already
            if not sql.startswith("SELECT"):
                continue
            on, compiling, plan = _best(cursor, sql, "on")
            if not any(line.strip().startswith("JIT:") for line in plan):
                continue
            off, _, _ = _best(cursor, sql, "off")
            tables = re.findall(r'FROM "(\w+)"', sql)
            cost = re.search(r"cost=[\d.]+\.\.([\d.]+)", plan[0])
            found.append(
                {
                    "from": tables[0] if tables else "",
                    "estimated_cost": float(cost.group(1)) if cost else None,
                    "jit_on_ms": on,
                    "of_which_jit_ms": compiling,
                    "jit_off_ms": off,
                }
            )
        for name in ("jit", *THRESHOLDS):
            cursor.execute(f"RESET {name}")
    return found


def main() -> None:
    world.setup_django(world.environment())
    from django.contrib.auth import get_user_model

    from contracts.models import Contract

    users = get_user_model().objects
    found, _ = pages(
        Contract.objects.get(code="DEMO0001"),
        users.get(username="bench-officer"),
        users.get(username="bench-committee"),
    )
    print(json.dumps({name: compare(url, user) for name, (url, user) in found.items()}, indent=2))


if __name__ == "__main__":
    main()
