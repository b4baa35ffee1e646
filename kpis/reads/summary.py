"""Counts of statuses per service area and quarter, counted by the database."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count

from kpis.models import Reading
from kpis.rules.status import Status


@dataclass
class Counts:
    met: int = 0
    below_target: int = 0
    detriment: int = 0
    failure: int = 0
    suspended: int = 0
    not_measured: int = 0
    not_due: int = 0
    missing: int = 0
    # Figures without a target in force: shown beside the counts, never in them.
    data_only: int = 0
    # Quarters outside a KPI's life span: counted nowhere, kept only so that a status adds up.
    not_in_force: int = 0

    @property
    def measured(self) -> int:
        return self.met + self.below_target + self.detriment + self.failure

    @property
    def missed(self) -> int:
        return self.measured - self.met

    @property
    def percent_met(self) -> int | None:
        """Met as a whole percentage of measured, a half rounded up (68 of 73 is 93); None
        where nothing was measured, which is no percentage at all."""
        if not self.measured:
            return None
        return (self.met * 200 + self.measured) // (self.measured * 2)

    @property
    def breakdown(self) -> list[tuple[str, int]]:
        """Each status other than met that was counted at least once, with its count, in the
        order of `STATUS_COLUMNS`: what a year's "3 of 4 met" leaves unsaid."""
        return [
            (s, getattr(self, s)) for s in STATUS_COLUMNS if s != Status.MET and getattr(self, s)
        ]

    def add(self, status: str, n: int) -> None:
        setattr(self, status, getattr(self, status) + n)

    def __add__(self, other: Counts) -> Counts:
        total = Counts()
        for f in fields(self):
            setattr(total, f.name, getattr(self, f.name) + getattr(other, f.name))
        return total


STATUS_COLUMNS = [s.value for s in Status if s not in (Status.NOT_DUE, Status.NOT_IN_FORCE)]


def summarise(
    readings, periods: Iterable, today: datetime.date | None = None
) -> dict[tuple[int, int], Counts]:
    """Counts keyed by (service area id, period id) for `readings` in `periods`, in one query."""
    rows = (
        readings.filter(period__in=list(periods))
        .with_status(today)
        .values("kpi__service_area_id", "period_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for row in rows:
        counts[(row["kpi__service_area_id"], row["period_id"])].add(row["status"], row["n"])
    return counts


def summarise_contract(contract, periods, today=None) -> dict[tuple[int, int], Counts]:
    return summarise(Reading.objects.for_contract(contract), periods, today)


def summarise_kpis(
    kpis: Iterable, periods: Iterable, today: datetime.date
) -> dict[tuple[int, int], Counts]:
    """`summarise`'s counts of these KPIs' readings in `periods`, judged by the status query
    compiled once a day (`Reading.objects.judged_values`): for a page with the KPIs in hand.
    Nothing is asked of the database for no quarters."""
    areas = {kpi.pk: kpi.service_area_id for kpi in kpis}
    found = Reading.objects.judged_values(
        kpi_ids=list(areas), period_ids=[p.pk for p in periods], today=today
    )
    counts: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for _, kpi_id, period_id, *_, status in found:
        counts[(areas[kpi_id], period_id)].add(status, 1)
    return counts


def summarise_judged(readings: Iterable[Any]) -> dict[tuple[int, int], Counts]:
    """`summarise`'s counts from readings in hand, each with its `status` and its KPI (a grid's,
    `kpis.reads.grid.build_grid`): no query."""
    counts: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for reading in readings:
        counts[(reading.kpi.service_area_id, reading.period_id)].add(reading.status, 1)
    return counts
