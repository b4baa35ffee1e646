"""`python tools/bench/sessions.py`: the KPI table and the signed-in floor under each session store.

Run after `make bench`, on the database it left. Starts one gunicorn per session store (through
BENCH_SESSION_ENGINE, tools/bench/settings.py), signs the same committee member in to each, then
takes turns: BENCH_ROUNDS rounds (default 3) of the KPI table's and the signed-in floor's requests
per second under BENCH_CONCURRENCY clients, one store after another, so that a busy moment of a
shared machine falls on every store alike. Prints one JSON document with each run and the medians.

    BENCH_SESSION_ENGINES=db,cached_db,signed_cookies python tools/bench/sessions.py
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.bench.client import Http
from tools.bench.run import WORKERS, throughput

ENGINES = os.environ.get("BENCH_SESSION_ENGINES", "db,cached_db,signed_cookies").split(",")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def signed_in(engine: str, user) -> dict[str, str]:
    """A session cookie for `user` made by `engine`'s own store, as a sign-in would make it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(engine).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {settings.SESSION_COOKIE_NAME: store.session_key}


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="serco-kpi-sessions-"))
    floor_file = workdir / "floor.html"
    env = world.environment(str(floor_file))
    world.setup_django(env)
    from contracts.roles import Role

    committee = world.make_user("bench-committee", Role.COMMITTEE)
    url = "/contracts/DEMO0001/kpis/"
    servers: dict[str, tuple] = {}
    try:
        for name in ENGINES:
            engine = f"django.contrib.sessions.backends.{name}"
            port = world.free_port()
            process = world.start_gunicorn(
                {**env, "BENCH_SESSION_ENGINE": engine}, port, WORKERS, workdir / f"{name}.log"
            )
            servers[name] = (process, port, signed_in(engine, committee))
        _, port, cookies = servers[ENGINES[0]]
        page = Http("127.0.0.1", port, dict(cookies)).get(url)
        assert page.status == 200, f"the KPI table answered {page.status}"
        floor_file.write_bytes(page.body)
        runs: dict[str, dict[str, list]] = {
            n: {"kpi_table": [], "signed_in_floor": []} for n in servers
        }
        for _ in range(ROUNDS):
            for name, (_, port, cookies) in servers.items():
                print(f"  {name}", file=sys.stderr, flush=True)
                runs[name]["kpi_table"].append(throughput(port, cookies, url))
                runs[name]["signed_in_floor"].append(
                    throughput(port, cookies, "/bench/floor/signed-in/")
                )
    finally:
        for process, _, _ in servers.values():
            world.stop(process)
    report = {}
    for name, found in runs.items():
        report[name] = {
            "runs": found,
            "median_requests_per_second": {
                what: statistics.median(r["requests_per_second"] for r in results)
                for what, results in found.items()
            },
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
