"""`manage.py generate_demo_data --contracts 50 --kpis 40 --quarters 20`: see
kpis/writes/demo_data.py."""

from __future__ import annotations

import datetime
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from kpis.models.period import is_quarter_end
from kpis.writes import demo_data


def _positive(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a whole number.") from None
    if value < 1:
        raise CommandError(f"{raw} must be at least 1.")
    return value


def _quarter_end(raw: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a date such as 2019-03-31.") from None
    if not is_quarter_end(day):
        raise CommandError(f"{raw} is not the last day of a quarter.")
    return day


class Command(BaseCommand):
    help = (
        "Adds made-up contracts, each with service areas, KPIs, suspensions, returns and one "
        "reading per KPI per quarter (with three months beneath a monthly KPI's), for "
        "demonstrations and speed tests."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--contracts", type=_positive, required=True)
        parser.add_argument("--kpis", type=_positive, required=True, help="KPIs per contract.")
        parser.add_argument("--quarters", type=_positive, required=True)
        parser.add_argument("--seed", type=int, default=0, help="The same seed, the same data.")
        parser.add_argument(
            "--last-quarter",
            type=_quarter_end,
            help="End date of the latest quarter (default: the latest one already over).",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        made = demo_data.generate(
            contracts=options["contracts"],
            kpis=options["kpis"],
            quarters=options["quarters"],
            seed=options["seed"],
            last_quarter=options["last_quarter"],
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Added {made.contracts} contracts ({made.contract_codes[0]} to "
            f"{made.contract_codes[-1]}), {made.service_areas} service areas, {made.kpis} KPIs, "
            f"{made.readings} readings over {made.periods} quarters with {made.months} months "
            f"beneath the monthly KPIs' readings, {made.suspensions} suspensions and "
            f"{made.returns} returns in {seconds:.1f} seconds."
        )
