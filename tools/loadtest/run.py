"""`make loadtest` and `make faulttest`: 32 users on gunicorn over loopback, bounded in time.

Committee members read the main pages while officers save their own contract's return, each save
setting two figures to the same new value. Afterwards every save that was acknowledged (answered
with a redirect) is checked in the database, and the two figures of each return must agree: a
save applied by halves would leave them apart.

With --restart-postgres, PostgreSQL is restarted part-way through: requests while it is down must
get the 503 page, never another error, and requests after it is back must succeed again.

Uses a database of its own (LOAD_DATABASE, default serco_kpi_load), dropped and made again.
Prints one JSON document; exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", os.environ.get("LOAD_DATABASE", "serco_kpi_load"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.bench.client import Http, change_figures, return_form, spread

USERS = int(os.environ.get("LOAD_USERS", "32"))
SAVERS = int(os.environ.get("LOAD_SAVERS", "8"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = world.gunicorn_workers("LOAD_WORKERS")
RESTART_AT = float(os.environ.get("LOAD_RESTART_AT", "20"))
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect"]


@dataclass
class Saver:
    url: str
    cookies: dict
    kpis: list[int] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    # Pages that, just after an acknowledged save, showed something else than what was saved.
    stale: int = 0


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (seconds since start, what happened) for every request.
    events: list[tuple[float, str]] = field(default_factory=list)

    def add(self, at: float, outcome: str) -> None:
        with self.lock:
            self.events.append((at, outcome))


def prepare() -> tuple[list[Saver], list[tuple[str, dict]]]:
    from django.core.management import call_command
    from django.urls import reverse

    from contracts.models import Contract
    from contracts.roles import Role
    from kpis.models import QuarterlyReturn
    from kpis.writes import demo_data

    call_command("migrate", verbosity=0)
    demo_data.generate(contracts=max(SAVERS, 4), kpis=40, quarters=8)
    savers = []
    for number, contract in enumerate(Contract.objects.order_by("code")[:SAVERS]):
        officer = world.make_user(f"load-officer-{number}", Role.OFFICER, [contract])
        draft = QuarterlyReturn.objects.filter(contract=contract).latest("period__end_date")
        url = reverse("return_detail", args=[contract.code, draft.period.end_date.isoformat()])
        savers.append(Saver(url, world.session_cookie(officer)))
    committee = world.make_user("load-committee", Role.COMMITTEE)
    cookies = world.session_cookie(committee)
    reads = []
    for contract in Contract.objects.order_by("code"):
        kpi = contract.kpis.first()
        reads += [
            (reverse("contract_scorecard", args=[contract.code]), cookies),
            (reverse("kpi_table", args=[contract.code]), cookies),
            (reverse("kpi_detail", args=[contract.code, kpi.pk]), cookies),
        ]
    reads.append((reverse("home"), cookies))
    return savers, reads


def run_load(port: int, savers: list[Saver], reads: list, restart: bool) -> dict:
    tally = Tally()
    started = time.monotonic()
    deadline = started + SECONDS
    restart_window: dict[str, float] = {}

    def request(http: Http, method: str, url: str, data=None):
        try:
            response = http.request(method, url, data)
            tally.add(time.monotonic() - started, str(response.status))
            return response
        except OSError as error:
            tally.add(time.monotonic() - started, f"connection error: {type(error).__name__}")
            return None

    def reader(index: int) -> None:
        rng = random.Random(index)
        while time.monotonic() < deadline:
            url, cookies = rng.choice(reads)
            request(Http("127.0.0.1", port, dict(cookies)), "GET", url)

    def saver(index: int) -> None:
        me = savers[index]
        http = Http("127.0.0.1", port, dict(me.cookies))
        number = 0
        saved: str | None = None
        while time.monotonic() < deadline:
            page = request(http, "GET", me.url)
            if page is None or page.status != 200:
                time.sleep(0.5)
                continue
            fields = return_form(page.body.decode())
            if saved is not None and not shows(fields, me.kpis, saved):
                me.stale += 1
            saved = None
            number += 1
            new = str(2 + number % 3)
            me.kpis, changed = change_figures(fields, new, 2)
            me.attempted.append(new)
            response = request(http, "POST", me.url, changed)
            if response is not None and response.status == 302:
                me.acknowledged.append(new)
                saved = new

    def worker(index: int) -> None:
        if index < len(savers):
            saver(index)
        else:
            reader(index)

    restarter = None
    if restart:

        def restart_postgres() -> None:
            time.sleep(RESTART_AT)
            version = sorted(os.listdir("/etc/postgresql"))[-1]
            restart_window["start"] = time.monotonic() - started
            subprocess.run([*RESTART, version, "main", "restart"], check=True, timeout=120)
            restart_window["end"] = time.monotonic() - started

        restarter = threading.Thread(target=restart_postgres, daemon=True)
        restarter.start()
    spread(worker, USERS)
    if restarter:
        restarter.join(timeout=150)
    return {"events": tally.events, "restart": restart_window}


def shows(fields: list[tuple[str, str]], kpis: list[int], value: str) -> bool:
    """Whether the return's form shows `value` for each of `kpis`."""
    shown = dict(fields)
    try:
        return all(float(shown.get(f"kpi-{kpi}-value", "")) == float(value) for kpi in kpis)
    except ValueError:
        return False


def check_saves(savers: list[Saver]) -> dict:
    from django.db import close_old_connections

    from kpis.models import Reading

    close_old_connections()
    lost, half_saved, acknowledged = [], [], 0
    for me in savers:
        acknowledged += len(me.acknowledged)
        if not me.acknowledged:
            continue
        values = {
            r.kpi_id: r.value
            for r in Reading.objects.filter(
                kpi_id__in=me.kpis, period__end_date=me.url.rstrip("/").rsplit("/", 1)[-1]
            ).only("kpi_id", "value")
        }
        stored = {str(int(v)) for v in values.values() if v is not None}
        if len(stored) != 1:
            half_saved.append({"url": me.url, "values": sorted(stored)})
            continue
        # The last attempt may have been applied without its answer arriving; never an older one.
        possible = {me.acknowledged[-1], *me.attempted[len(me.acknowledged) :]}
        if stored.pop() not in possible:
            lost.append({"url": me.url, "expected_one_of": sorted(possible)})
    stale = sum(me.stale for me in savers)
    return {
        "acknowledged_saves": acknowledged,
        "lost": lost,
        "half_saved": half_saved,
        "stale_after_save": stale,
    }


def judge(result: dict, saves: dict, restart: bool) -> dict:
    events = result["events"]
    counts = Counter(o for _, o in events)
    good = {"200", "302"}
    verdict = {
        "requests": len(events),
        "outcomes": dict(counts),
        "saves": saves,
        "no_acknowledged_save_lost": not saves["lost"],
        "no_return_half_saved": not saves["half_saved"],
        "some_saves_acknowledged": saves["acknowledged_saves"] > 0,
        "no_page_stale_after_a_save": saves["stale_after_save"] == 0,
    }
    if not restart:
        verdict["no_errors"] = set(counts) <= good
        return verdict
    window = result["restart"]
    # Requests well after the restart finished must succeed again.
    settle = window.get("end", SECONDS) + 5
    after = Counter(o for at, o in events if at > settle)
    verdict["restart_seconds"] = window
    verdict["outcomes_after_recovery"] = dict(after)
    verdict["only_503_while_down"] = set(counts) <= good | {"503"}
    verdict["recovered"] = bool(after) and set(after) <= good
    verdict["outage_seen_as_503"] = counts["503"] > 0
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--restart-postgres", action="store_true")
    restart = parser.parse_args().restart_postgres
    workdir = Path(tempfile.mkdtemp(prefix="serco-kpi-load-"))
    env = world.environment()
    print(f"Preparing database {world.DATABASE}", file=sys.stderr, flush=True)
    world.recreate_database()
    world.setup_django(env)
    savers, reads = prepare()
    port = world.free_port()
    server = world.start_gunicorn(env, port, WORKERS, workdir / "gunicorn.log")
    print(f"{USERS} users for {SECONDS:.0f} seconds", file=sys.stderr, flush=True)
    try:
        result = run_load(port, savers, reads, restart)
    finally:
        world.stop(server)
    verdict = judge(result, check_saves(savers), restart)
    checks = [v for k, v in verdict.items() if isinstance(v, bool)]
    verdict["passed"] = all(checks)
    verdict["gunicorn_log"] = str(workdir / "gunicorn.log")
    print(json.dumps(verdict, indent=2, default=str))
    sys.exit(0 if verdict["passed"] else 1)


if __name__ == "__main__":
    main()
