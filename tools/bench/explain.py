"""`python tools/bench/explain.py`: which index each main page's queries use, on the bench database.

Run after `make bench` (which leaves its largest size in BENCH_DATABASE). Renders every main page
with the test client, runs EXPLAIN ANALYZE on each SELECT it made, and prints per page each
query's time and the scans in its plan, as one JSON document.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.bench.run import pages

SCAN = re.compile(
    r"((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan)"
    r"(?: using \S+)? on \S+)"
)


def plans(url: str, user) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    client.get(url, secure=True)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, secure=True)
    found = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            # The captured text has its parameters filled in already.
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
            plan = [row[0] for row in cursor.fetchall()]
        tables = re.findall(r'FROM "(\w+)"', sql)
        found.append(
            {
                "from": tables[0] if tables else "",
                "ms": float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1)),
                "scans": sorted({m for line in plan for m in SCAN.findall(line)}),
            }
        )
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
    print(json.dumps({name: plans(url, user) for name, (url, user) in found.items()}, indent=2))


if __name__ == "__main__":
    main()
