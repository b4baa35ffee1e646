"""Where one page spends its Python time, on the database `make bench` left behind.

    python tools/bench/profile_page.py                     # the KPI table of DEMO0001, 50 requests
    python tools/bench/profile_page.py /contracts/DEMO0002/ 20

Runs the page through the test client in this process (production settings, the bench's
database, a signed-in committee member, or with `PROFILE_ROLE=officer` the bench's officer
assigned to DEMO0001, who reads its returns), first untimed to warm caches, then timed, then under
cProfile, and prints per request the median wall-clock and best CPU milliseconds of this process
(which a busy shared machine disturbs less), the number of Python function calls (which it does
not disturb at all), and the functions that cost the most.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "/contracts/DEMO0001/kpis/"
    times = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    world.setup_django(world.environment())
    from django.test import Client

    from contracts.models import Contract
    from contracts.roles import Role

    if os.environ.get("PROFILE_ROLE", "committee") == "officer":
        # The same officer, assigned to the same contract, as the bench's own timings sign in.
        reader = world.make_user(
            "bench-officer", Role.OFFICER, [Contract.objects.get(code="DEMO0001")]
        )
    else:
        reader = world.make_user("bench-committee", Role.COMMITTEE)
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(reader)
    for _ in range(3):
        assert client.get(url, secure=True).status_code == 200
    spent, cpu = [], []
    for _ in range(times):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, secure=True)
        spent.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        client.get(url, secure=True)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
    print(
        f"{url}: median {statistics.median(spent):.1f} ms, best {min(cpu):.1f} ms of CPU, "
        f"{stats.total_calls // times} function calls a request, over {times} requests"
    )
    print(out.getvalue())


if __name__ == "__main__":
    main()
