"""`make loadtest-servers`: the load run on one app server, then on two, behind HAProxy, each
reading from a streaming replica and writing to the primary (`make replica` makes both).

The same users as `make loadtest` (officers saving, committee members reading) go through a local
HAProxy that balances over the app servers. Each run is judged as `make loadtest` judges it, and
more: no page shown just after a save is older than the save (the writer reads the primary for a
while after), and the replica answered reads. The requests per second of two servers against one
are printed beside each other; on one machine both share its cores, so read the ratio as what a
second server costs here, not as what a second machine gives.

Prints one JSON document; exits 1 if any check fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The primary and replica that `make replica` starts.
os.environ.setdefault("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5434")
os.environ.setdefault("BENCH_DATABASE", os.environ.get("LOAD_DATABASE", "serco_kpi_load"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.loadtest.run import (
    SECONDS,
    USERS,
    WORKERS,
    Saver,
    check_saves,
    judge,
    prepare,
    run_load,
)

PRIMARY = world.SERVER
REPLICA = os.environ.get("REPLICA_SERVER", "postgres://postgres@127.0.0.1:5435")
HAPROXY = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout queue 60s
    # A server whose workers are all busy answers its check late: that is load, not a fault.
    timeout check 30s
frontend app
    bind 127.0.0.1:{port}
    default_backend servers
backend servers
    balance roundrobin
    option httpchk GET /healthz
{servers}
"""


def start_haproxy(port: int, backends: list[int], workdir: Path) -> subprocess.Popen:
    servers = "\n".join(
        f"    server app{number} 127.0.0.1:{backend} check inter 5s fall 3 rise 1"
        for number, backend in enumerate(backends, start=1)
    )
    config = workdir / f"haproxy-{len(backends)}.cfg"
    config.write_text(HAPROXY.format(port=port, servers=servers))
    log = (workdir / f"haproxy-{len(backends)}.log").open("w")
    process = subprocess.Popen(["haproxy", "-f", str(config), "-db"], stdout=log, stderr=log)
    world.wait_for_port("haproxy", port, process, log.name)
    return process


def replica_transactions() -> int:
    """Transactions the replica has answered in the load database so far."""
    import psycopg2

    connection = psycopg2.connect(f"{REPLICA}/postgres")
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [world.DATABASE],
        )
        row = cursor.fetchone()
    connection.close()
    return int(row[0]) if row else 0


def wait_for_replica(timeout: float = 60) -> None:
    import psycopg2

    primary = psycopg2.connect(f"{PRIMARY}/postgres")
    replica = psycopg2.connect(f"{REPLICA}/postgres")
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    with replica.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the replica did not catch up with the primary")
            time.sleep(0.1)
    primary.close()
    replica.close()


def run_on(servers: int, env: dict[str, str], workdir: Path, users: tuple) -> dict:
    prepared, reads = users
    # Each run's officers start with no saves of their own to account for.
    savers = [Saver(saver.url, dict(saver.cookies)) for saver in prepared]
    wait_for_replica()
    backends = [world.free_port() for _ in range(servers)]
    apps = [
        world.start_gunicorn(env, port, WORKERS, workdir / f"gunicorn-{servers}-{number}.log")
        for number, port in enumerate(backends, start=1)
    ]
    balancer_port = world.free_port()
    balancer = start_haproxy(balancer_port, backends, workdir)
    replica_before = replica_transactions()
    print(f"{USERS} users for {SECONDS:.0f} seconds on {servers}", file=sys.stderr, flush=True)
    try:
        result = run_load(balancer_port, savers, reads, restart=False)
    finally:
        world.stop(balancer)
        for app in apps:
            world.stop(app)
    verdict = judge(result, check_saves(savers), restart=False)
    verdict["replica_answered_reads"] = replica_transactions() > replica_before
    verdict["requests_per_second"] = round(len(result["events"]) / SECONDS, 1)
    return verdict


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="serco-kpi-servers-"))
    env = {**world.environment(), "DATABASE_REPLICA_URLS": f"{REPLICA}/{world.DATABASE}"}
    print(f"Preparing database {world.DATABASE} on {PRIMARY}", file=sys.stderr, flush=True)
    world.recreate_database()
    world.setup_django(env)
    users = prepare()
    runs = {f"{n}_server{'s' if n > 1 else ''}": run_on(n, env, workdir, users) for n in (1, 2)}
    one, two = runs.values()
    checks = [v for run in runs.values() for v in run.values() if isinstance(v, bool)]
    report = {
        **runs,
        "two_servers_against_one": round(
            two["requests_per_second"] / max(one["requests_per_second"], 0.1), 2
        ),
        "workers_per_server": WORKERS,
        "cores": os.cpu_count(),
        "logs": str(workdir),
        "passed": all(checks),
    }
    print(json.dumps(report, indent=2, default=str))
    sys.exit(0 if report["passed"] else 1)


if __name__ == "__main__":
    main()
