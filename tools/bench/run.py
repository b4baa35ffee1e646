"""`make bench`: query counts and latency of the main pages at three data sizes, on PostgreSQL.

Builds the data in a database of its own (BENCH_DATABASE, default serco_kpi_bench, dropped and
made again), growing it from one size to the next with `generate_demo_data`: every contract has
40 KPIs over 50 quarters, so a contract's pages show the same amount at every size while the
tables around them grow. Half the KPIs are monthly, with three months beneath each of their
readings (some as numerators and denominators) and the quarter rolled up from them; each size
says how many readings and months it holds. For each size it measures, for every main page found
by its URL name:

- the number of queries, with the test client in this process;
- the median and 95th-percentile latency of BENCH_REQUESTS sequential requests to gunicorn on
  127.0.0.1, through the production middleware (HTTPS is what a TLS proxy would report), once
  each worker has served the page a few times (three requests a worker first);
- the same latency from a second gunicorn with the page cache off (BENCH_PAGE_CACHE=off), every
  page built afresh as after a change to its contract, printed beside it (`side_by_side`);
- the committee pack's PDF: the first request, which renders it, and the next ones, served from
  the PDF cache until the contract's data changes;
- the KPI table's requests per second with BENCH_CONCURRENCY clients, beside a floor page that
  returns a pre-rendered copy of the same table through the same middleware, and a signed-in
  floor that returns it behind `login_required` to the same signed-in client (the target is
  judged against this one: every real page reads the session and the user); the three take
  turns for BENCH_SECONDS in all, in BENCH_ROUNDS rounds (default 3), and each gives its median.

Prints one JSON document. BENCH_SIZES=small,medium picks sizes (large is a million readings).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench import world
from tools.bench.client import Http, change_one_figure, return_form, spread

KPIS, QUARTERS = 40, 50
SIZES = {"small": 5, "medium": 50, "large": 500}  # contracts: 10k, 100k and 1M readings
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
THROUGHPUT_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = world.gunicorn_workers("BENCH_WORKERS")
LAST_QUARTER = datetime.date(2025, 3, 31)
# Pages about one contract, whose speed must not depend on how many other contracts there are.
CONTRACT_PAGES = {
    "contract_scorecard",
    "kpi_table",
    "kpi_detail",
    "committee_pack",
    "reported_against_computed",
    "return_detail",
}
QUERY_BUDGET, SAVE_BUDGET = 12, 20
HOME_BUDGET_MS, GENERATE_BUDGET_S = 200, 60
# Every page built afresh, at the largest size; the PDF once rendered.
AFRESH_BUDGET_MS, PDF_BUDGET_MS = 100, 50
# Workers of the server with the page cache off.
AFRESH_WORKERS = int(os.environ.get("BENCH_AFRESH_WORKERS", "2"))
# Pages whose middle is kept in the page cache (kpis.pages.page_cache) until the contract's data
# changes.
CACHED_PAGES = ("contract_scorecard", "kpi_table", "kpi_detail")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pages(contract, officer, committee) -> tuple[dict[str, tuple[str, object]], list[str]]:
    """Each main page's address and who reads it; the names of pages not (yet) in the app."""
    from django.urls import NoReverseMatch, reverse

    from kpis.models import QuarterlyReturn

    # The first KPI: monthly in the demo data (every other one is), so its page reads its months.
    kpi = contract.kpis.order_by("position").first()
    latest = QuarterlyReturn.objects.filter(contract=contract).order_by("-period__end_date")[0]
    end = latest.period.end_date.isoformat()
    wanted = {
        "home": ((), committee),
        "contract_scorecard": ((contract.code,), committee),
        "kpi_table": ((contract.code,), committee),
        "kpi_detail": ((contract.code, kpi.pk), committee),
        "committee_pack": ((contract.code, end), committee),
        "reported_against_computed": ((contract.code,), committee),
        "return_detail": ((contract.code, end), officer),
        "my_returns": ((), officer),
    }
    found, absent = {}, []
    for name, (args, user) in wanted.items():
        try:
            found[name] = (reverse(name, args=args), user)
        except NoReverseMatch:
            absent.append(name)
    return found, absent


def count_queries(url: str, user, method: str = "get", data=None) -> tuple[int, int, int | None]:
    """Queries of a page built afresh, its status, and the queries of the same page served from
    the page cache (None for a POST)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    cached = None
    if method == "get":
        client.get(url, secure=True)  # warm caches (content types, permissions) first
        with CaptureQueriesContext(connection) as again:
            client.get(url, secure=True)
        cached = len(again)
        caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data, secure=True)
    return len(queries), response.status_code, cached


def latency_after_change(http: Http, url: str, contract) -> dict:
    """The first reading of a page after its contract's data changed: built, not cached."""
    from contracts.models import Contract

    times = []
    for _ in range(max(3, REQUESTS // 4)):
        Contract.objects.filter(pk=contract.pk).touch()
        times.append(http.get(url).seconds * 1000)
    return {"after_change_median_ms": round(statistics.median(times), 1)}


def latency(http: Http, url: str, workers: int) -> dict:
    """The page's latency from a server of `workers` once each worker has served it a few times,
    as a worker serves some two thousand requests in its life: its first request of a page
    compiles the page's queries and loads its templates, once per process."""
    for _ in range(3 * workers):
        http.get(url)
    times, statuses = [], set()
    for _ in range(REQUESTS):
        response = http.get(url)
        times.append(response.seconds * 1000)
        statuses.add(response.status)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "statuses": sorted(statuses),
    }


def pdf_latency(http: Http, url: str) -> dict:
    """The live pack's PDF: its first request renders it, the next ones read it from the cache."""
    first = http.get(url)
    times = [http.get(url).seconds * 1000 for _ in range(max(5, REQUESTS // 3))]
    return {
        "url": url,
        "status": first.status,
        "first_ms": round(first.seconds * 1000, 1),
        "cached_median_ms": round(statistics.median(times), 1),
        "cached_p95_ms": round(percentile(times, 0.95), 1),
    }


def saves(http: Http, url: str, officer) -> dict:
    """Saving the whole return (every KPI's row) with one figure changed, over HTTP."""
    times, statuses = [], set()
    fields: list = []
    for number in range(max(5, REQUESTS // 2)):
        fields = return_form(http.get(url).body.decode())
        if not fields:
            return {"absent": "the return page has no figures form for this user"}
        _, changed = change_one_figure(fields, str(2 + number % 2))
        response = http.post(url, changed)
        times.append(response.seconds * 1000)
        statuses.add(response.status)
    # A fresh form: the one above holds versions that the last save has moved on.
    _, changed = change_one_figure(return_form(http.get(url).body.decode()), "4")
    queries, status, _ = count_queries(url, officer, "post", dict(changed))
    rows = sum(1 for name, _ in fields if name.endswith("-version"))
    return {
        "url": url,
        "kpis_in_return": rows,
        "queries": queries,
        "query_status": status,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "statuses": sorted(statuses),
    }


def throughput(port: int, cookies: dict, url: str, seconds: float = SECONDS) -> dict:
    counts, errors = [0] * CONCURRENCY, [0] * CONCURRENCY
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        http = Http("127.0.0.1", port, dict(cookies))
        while time.monotonic() < deadline:
            if http.get(url).status == 200:
                counts[index] += 1
            else:
                errors[index] += 1

    started = time.monotonic()
    spread(worker, CONCURRENCY)
    elapsed = time.monotonic() - started
    return {"requests_per_second": round(sum(counts) / elapsed, 1), "errors": sum(errors)}


def taking_turns(port: int, cookies: dict, urls: dict[str, str]) -> dict[str, dict]:
    """Each page's requests per second, the pages taking turns for THROUGHPUT_ROUNDS rounds of
    SECONDS / THROUGHPUT_ROUNDS each, so that a busy moment of the machine (PostgreSQL's
    autovacuum after the data was written, another process) falls on every page alike rather
    than on whichever ran then: the median of each page's rounds, and the rounds."""
    seconds = SECONDS / THROUGHPUT_ROUNDS
    rounds: dict[str, list[dict]] = {name: [] for name in urls}
    for _ in range(THROUGHPUT_ROUNDS):
        for name, url in urls.items():
            rounds[name].append(throughput(port, cookies, url, seconds))
    return {
        name: {
            "requests_per_second": statistics.median(r["requests_per_second"] for r in found),
            "errors": sum(r["errors"] for r in found),
            "rounds": [r["requests_per_second"] for r in found],
        }
        for name, found in rounds.items()
    }


def measure_size(name: str, port: int, afresh_port: int, floor_file: Path) -> dict:
    from contracts.models import Contract
    from contracts.roles import Role
    from kpis.choices import Frequency
    from kpis.models import Kpi, MonthlyFigure, Reading

    contract = Contract.objects.get(code="DEMO0001")
    committee = world.make_user("bench-committee", Role.COMMITTEE)
    officer = world.make_user("bench-officer", Role.OFFICER, [contract])
    found, absent = pages(contract, officer, committee)
    sessions = {committee: world.session_cookie(committee), officer: world.session_cookie(officer)}
    result: dict = {
        "readings": Reading.objects.count(),
        "monthly_kpis": Kpi.objects.filter(frequency=Frequency.MONTHLY).count(),
        "months": MonthlyFigure.objects.count(),
        "pages": {},
        "absent_pages": absent,
    }
    for page, (url, user) in found.items():
        log(f"  {name}: {page}")
        queries, status, cached = count_queries(url, user)
        http = Http("127.0.0.1", port, dict(sessions[user]))
        result["pages"][page] = {
            "url": url,
            "queries": queries,
            "queries_from_cache": cached,
            "status": status,
        }
        result["pages"][page] |= latency(http, url, WORKERS)
        afresh = latency(Http("127.0.0.1", afresh_port, dict(sessions[user])), url, AFRESH_WORKERS)
        result["pages"][page] |= {f"afresh_{k}": v for k, v in afresh.items()}
        if page in CACHED_PAGES:
            result["pages"][page] |= latency_after_change(http, url, contract)
    result["side_by_side"] = {
        page: {
            "queries_afresh": figures["queries"],
            "queries_cached": figures["queries_from_cache"],
            "cached_median_ms": figures["median_ms"],
            "afresh_median_ms": figures["afresh_median_ms"],
        }
        for page, figures in result["pages"].items()
    }
    if "committee_pack" in found:
        log(f"  {name}: the committee pack's PDF")
        url = found["committee_pack"][0] + "pdf"
        # A change first, so that the first request renders it.
        Contract.objects.filter(pk=contract.pk).touch()
        result["pack_pdf"] = pdf_latency(Http("127.0.0.1", port, dict(sessions[committee])), url)
    if "return_detail" in found:
        log(f"  {name}: saving the return")
        url = found["return_detail"][0]
        result["return_save"] = saves(
            Http("127.0.0.1", port, dict(sessions[officer])), url, officer
        )
    if "kpi_table" in found:
        log(f"  {name}: KPI table against the floor, {CONCURRENCY} clients")
        url = found["kpi_table"][0]
        if not floor_file.exists():
            floor_file.write_bytes(Http("127.0.0.1", port, dict(sessions[committee])).get(url).body)
        runs = taking_turns(
            port,
            sessions[committee],
            {
                "kpi_table": url,
                "floor": "/bench/floor/",
                "signed_in_floor": "/bench/floor/signed-in/",
            },
        )
        table, floor, signed_in = runs["kpi_table"], runs["floor"], runs["signed_in_floor"]
        rate = table["requests_per_second"]
        result["kpi_table_throughput"] = {
            **runs,
            "ratio": round(rate / floor["requests_per_second"], 3),
            "ratio_to_signed_in_floor": round(rate / signed_in["requests_per_second"], 3),
        }
    return result


def targets(sizes: dict) -> dict:
    """The issue's targets, judged from the figures whatever they show."""
    measured = [s for s in sizes.values() if s.get("pages")]
    verdict: dict = {}
    names = set().union(*(s["pages"] for s in measured)) if measured else set()
    counts = {n: [s["pages"][n]["queries"] for s in measured if n in s["pages"]] for n in names}
    verdict["queries_same_at_every_size"] = {n: len(set(c)) == 1 for n, c in counts.items()}
    verdict[f"queries_at_most_{QUERY_BUDGET}"] = {
        n: max(c) <= QUERY_BUDGET for n, c in counts.items()
    }
    # The same once the page cache holds the page: the reading after the first, until a change.
    cached = {
        n: [s["pages"][n]["queries_from_cache"] for s in measured if n in s["pages"]]
        for n in names
        if n in CACHED_PAGES
    }
    verdict[f"queries_at_most_{QUERY_BUDGET}_from_the_page_cache"] = {
        n: max(c) <= QUERY_BUDGET for n, c in cached.items()
    }
    if len(measured) >= 2:
        first, last = measured[0]["pages"], measured[-1]["pages"]
        growth = {
            n: round(last[n]["median_ms"] / first[n]["median_ms"] - 1, 3)
            for n in CONTRACT_PAGES
            if n in first and n in last
        }
        verdict["contract_page_median_growth_smallest_to_largest"] = growth
        verdict["growth_under_half"] = {n: g < 0.5 for n, g in growth.items()}
    largest = measured[-1] if measured else None
    if largest:
        verdict[f"afresh_median_under_{AFRESH_BUDGET_MS}_ms_at_the_largest_size"] = {
            n: p["afresh_median_ms"] < AFRESH_BUDGET_MS for n, p in largest["pages"].items()
        }
    if largest and "pack_pdf" in largest:
        verdict[f"pack_pdf_from_the_cache_under_{PDF_BUDGET_MS}_ms"] = (
            largest["pack_pdf"]["cached_median_ms"] < PDF_BUDGET_MS
        )
    if largest and "home" in largest["pages"]:
        verdict[f"home_median_under_{HOME_BUDGET_MS}_ms_at_the_largest_size"] = (
            largest["pages"]["home"]["median_ms"] < HOME_BUDGET_MS
        )
    if largest and "generate_seconds" in largest:
        verdict[f"largest_size_generated_in_under_{GENERATE_BUDGET_S}_s"] = (
            largest["generate_seconds"] < GENERATE_BUDGET_S
        )
    throughputs = [s["kpi_table_throughput"] for s in measured if "kpi_table_throughput" in s]
    if throughputs:
        # The target is against the signed-in floor: a page behind a sign-in cannot
        # avoid reading the session and the user. The bare floor stays for comparison.
        verdict["kpi_table_at_least_half_the_signed_in_floor"] = (
            min(t["ratio_to_signed_in_floor"] for t in throughputs) >= 0.5
        )
        verdict["kpi_table_at_least_half_the_floor"] = min(t["ratio"] for t in throughputs) >= 0.5
    saves = [s["return_save"] for s in measured if "queries" in s.get("return_save", {})]
    if saves:
        verdict[f"save_at_most_{SAVE_BUDGET}_queries"] = max(s["queries"] for s in saves) <= (
            SAVE_BUDGET
        )
        verdict["saved_returns_have_every_kpi"] = all(s["kpis_in_return"] == KPIS for s in saves)
    return verdict


def main() -> None:
    chosen = [s.strip() for s in os.environ.get("BENCH_SIZES", "small,medium,large").split(",")]
    unknown = set(chosen) - set(SIZES)
    if unknown:
        sys.exit(f"BENCH_SIZES: unknown sizes {sorted(unknown)}; choose from {list(SIZES)}")
    workdir = Path(tempfile.mkdtemp(prefix="serco-kpi-bench-"))
    floor_file = workdir / "floor.html"
    env = world.environment(str(floor_file))
    log(f"Recreating database {world.DATABASE}")
    world.recreate_database()
    world.setup_django(env)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kpis.writes import demo_data

    call_command("migrate", verbosity=0)
    port = world.free_port()
    server = world.start_gunicorn(env, port, WORKERS, workdir / "gunicorn.log")
    afresh_port = world.free_port()
    afresh_server = world.start_gunicorn(
        {**env, "BENCH_PAGE_CACHE": "off"},
        afresh_port,
        AFRESH_WORKERS,
        workdir / "gunicorn-afresh.log",
    )
    report: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": connection.cursor().connection.server_version,
        },
        "settings": {
            "kpis_per_contract": KPIS,
            "quarters": QUARTERS,
            "gunicorn_workers": WORKERS,
            "gunicorn_workers_page_cache_off": AFRESH_WORKERS,
            "requests_per_page": REQUESTS,
            "concurrency": CONCURRENCY,
            "seconds_per_throughput_run": SECONDS,
            "session_engine": settings.SESSION_ENGINE,
        },
        "sizes": {},
    }
    try:
        held = 0
        for name in [s for s in SIZES if s in chosen]:
            wanted = SIZES[name]
            log(f"Generating {name}: {wanted} contracts")
            started = time.monotonic()
            demo_data.generate(
                contracts=wanted - held, kpis=KPIS, quarters=QUARTERS, last_quarter=LAST_QUARTER
            )
            held = wanted
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            generated = round(time.monotonic() - started, 1)
            report["sizes"][name] = {"contracts": wanted, "generate_seconds": generated}
            report["sizes"][name] |= measure_size(name, port, afresh_port, floor_file)
    finally:
        world.stop(server)
        world.stop(afresh_server)
    report["targets"] = targets(report["sizes"])
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
