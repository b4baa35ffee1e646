"""Counts for the home page and the contract scorecard, counted by the database."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Count, Q

from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, Reading, ReportingPeriod, status_sql
from kpis.permissions.sight import Sight
from kpis.reads import display
from kpis.reads.grid import Cell, Row, build_grid
from kpis.reads.summary import Counts, summarise_contract, summarise_judged, summarise_kpis
from kpis.reads.year import Year
from kpis.rules.status import Status


def _sum(cells: Iterable[Counts | None]) -> Counts:
    return sum((c for c in cells if c is not None), Counts())


@dataclass
class AreaRow:
    area: ServiceArea
    # None for a quarter whose figures the reader does not see.
    cells: list[Counts | None]
    # The financial year to date: its approved quarters, whether shown or not.
    year: Counts = field(default_factory=Counts)

    @property
    def total(self) -> Counts:
        return _sum(self.cells)


@dataclass
class Scorecard:
    periods: list[ReportingPeriod]
    rows: list[AreaRow]
    # Per period: None when shown, else the stand-in status (`display.IN_PROGRESS`).
    hidden: list[str | None] = field(default_factory=list)
    drafts: list[bool] = field(default_factory=list)
    # The financial year whose year to date stands beside the quarters.
    year: Year | None = None

    @property
    def columns(self) -> list[tuple[ReportingPeriod, str | None, bool]]:
        return list(zip(self.periods, self.hidden, self.drafts, strict=True))

    @property
    def period_totals(self) -> list[Counts | None]:
        return [
            None if self.hidden[i] else _sum(r.cells[i] for r in self.rows)
            for i in range(len(self.periods))
        ]

    @property
    def total(self) -> Counts:
        return _sum(self.period_totals)

    @property
    def year_total(self) -> Counts:
        return _sum(r.year for r in self.rows)

    @property
    def any_hidden(self) -> bool:
        return any(self.hidden)


def scorecard(
    contract: Contract,
    periods: Sequence[ReportingPeriod],
    today: datetime.date,
    *,
    sight: Sight,
    year: Year | None = None,
    counts: dict[tuple[int, int], Counts] | None = None,
    rows: Sequence[Row] | None = None,
) -> Scorecard:
    """Counts per service area and quarter; "all quarters" totals count the shown ones only.
    With `year`, each area's year to date too: its approved quarters, counted in the same query
    as the quarters shown. `counts`: those quarters' counts (`summarise_contract`) where the
    caller has them. `rows`: the grid of `periods` for the `sight` where the page has built it,
    whose readings give the shown quarters' counts, so that only the year's others are read."""
    shown = {p.pk for p in sight.shown(periods)}
    counted = [p for p in periods if p.pk in shown]
    year_ids = year.period_ids if year else []
    lacking = [p for p in (year.periods if year else ()) if p.pk not in shown]
    if counts is None and rows is not None:
        in_grid = summarise_judged(
            c.reading for row in rows for c in row.cells if c.reading is not None
        )
        others = summarise_kpis([row.kpi for row in rows], lacking, today)
        counts = {**in_grid, **others}
    if counts is None:
        counts = summarise_contract(contract, counted + lacking, today)
    areas = [
        AreaRow(
            area,
            [counts.get((area.pk, p.pk), Counts()) if p.pk in shown else None for p in periods],
            _sum(counts.get((area.pk, period_id)) for period_id in year_ids),
        )
        for area in contract.service_areas.all()
    ]
    hidden = [
        None if p.pk in shown else display.in_progress_status(p.return_state) for p in periods
    ]
    return Scorecard(list(periods), areas, hidden, [sight.is_draft(p) for p in periods], year)


def latest_counts(latest: dict[int, int], today: datetime.date) -> dict[int, Counts]:
    """Counts for each contract's latest quarter, from {contract id: period id}, in one query."""
    counts = counts_by_quarter({c: [p] for c, p in latest.items()}, today)
    return {contract_id: counts[contract_id, p] for contract_id, p in latest.items()}


def counts_by_quarter(
    wanted: dict[int, list[int]], today: datetime.date
) -> dict[tuple[int, int], Counts]:
    """Counts keyed by (contract id, period id), from {contract id: [period id, ...]}, in one
    query: the home page's latest quarters and years to date at once."""
    if not any(wanted.values()):
        return defaultdict(Counts)
    if connection.vendor == "postgresql":
        return _counted_from_compiled(wanted, today)
    # One branch per quarter, not per contract: the database then reads each quarter's readings
    # through the period index instead of testing every branch on every row.
    by_period: dict[int, list[int]] = defaultdict(list)
    for contract_id, period_ids in wanted.items():
        for period_id in period_ids:
            by_period[period_id].append(contract_id)
    branches = reduce(
        or_, (Q(period_id=p, kpi__contract_id__in=cs) for p, cs in sorted(by_period.items()))
    )
    rows = (
        Reading.objects.filter(branches)
        .with_status(today)
        .values("kpi__contract_id", "period_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for row in rows:
        counts[row["kpi__contract_id"], row["period_id"]].add(row["status"], row["n"])
    return counts


def _counted_from_compiled(
    wanted: dict[int, list[int]], today: datetime.date
) -> dict[tuple[int, int], Counts]:
    """`counts_by_quarter` from the count compiled once a day (PostgreSQL): compiling the
    status expression for the home page cost more than running it. The count covers every
    quarter asked of any contract for every contract asked; pairs not asked for are dropped."""
    pairs = {(c, p) for c, period_ids in wanted.items() for p in period_ids}
    contract_ids = sorted({c for c, _ in pairs})
    period_ids = sorted({p for _, p in pairs})
    counts: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for contract_id, period_id, status, n in status_sql.compiled_status_counts(
        Reading, contract_ids, period_ids, today
    ):
        if (contract_id, period_id) in pairs:
            counts[contract_id, period_id].add(status, n)
    return counts


@dataclass
class Exception_:
    """A KPI left out of the counts in some of the quarters shown, with why."""

    kpi: Kpi
    status: str
    periods: list[ReportingPeriod] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


LEFT_OUT = (Status.SUSPENDED, Status.NOT_MEASURED, Status.MISSING)


def left_out(
    contract: Contract,
    periods: Sequence[ReportingPeriod],
    today: datetime.date,
    *,
    sight: Sight,
    rows: Iterable[Row] | None = None,
) -> list[Exception_]:
    """Suspended, not measured and missing KPIs in `periods`, as the report lists them in prose,
    in report order. From the grid of `periods` (`rows`) where the page has built it: the
    readings it holds are these, with their statuses and suspensions."""
    if rows is None:
        rows = build_grid(
            Kpi.objects.for_contract(contract).in_report_order(),
            periods,
            today,
            sight=sight,
            contract=contract,
        )
    found: dict[tuple[int, str], Exception_] = {}
    for row in rows:
        for cell in row.cells:
            reading = cell.reading
            if reading is None or cell.status not in LEFT_OUT:
                continue
            # Every KPI here is the contract's: reuse it rather than fetch it once per link.
            reading.kpi.contract = contract
            key = (reading.kpi_id, cell.status)
            item = found.setdefault(key, Exception_(reading.kpi, cell.status))
            item.periods.append(cell.period)
            reason = ""
            if cell.status == Status.SUSPENDED:
                reason = cell.suspension.reason if cell.suspension else ""
            elif reading.not_measured_reason:
                reason = reading.not_measured_reason
            elif cell.status == Status.NOT_MEASURED:
                reason = "the figure is in another unit than the KPI's"
            if reason and reason not in item.reasons:
                item.reasons.append(reason)
    return list(found.values())


# The statuses that count as a miss of the target: what the committee asks about first.
MISSED = (Status.BELOW_TARGET, Status.DETRIMENT, Status.FAILURE)


def misses(rows: Iterable[Row]) -> list[Cell]:
    """Every quarter in which a KPI missed its target, from a grid (`build_grid`'s rows, marked
    by `kpis.reads.marks`), in report order and by quarter: each with its figure, target,
    commentary and any mark (a restated figure)."""
    return [cell for row in rows for cell in row.cells if cell.status in MISSED]


def year_scorecard(
    contract: Contract, year: Year, today: datetime.date
) -> tuple[Scorecard, dict[int, Counts]]:
    """The year to date of `year` alone, per service area (a `Scorecard` with no quarter
    columns) and per KPI (by KPI id), from the year's approved quarters.

    The readings come with their status from the query compiled once a day
    (`Reading.objects.judged`): compiling the status expression for a count grouped by KPI cost
    more than the rest of the KPI table built afresh, and a year is at most four readings a KPI.
    """
    area_of = dict(Kpi.objects.filter(contract=contract).values_list("pk", "service_area_id"))
    readings = Reading.objects.judged(
        kpi_ids=list(area_of), period_ids=year.period_ids, today=today
    )
    by_kpi: dict[int, Counts] = defaultdict(Counts)
    by_area: dict[int, Counts] = defaultdict(Counts)
    for reading in readings:
        by_kpi[reading.kpi_id].add(reading.status, 1)
        by_area[area_of[reading.kpi_id]].add(reading.status, 1)
    areas = [AreaRow(a, [], by_area[a.pk]) for a in contract.service_areas.all()]
    return Scorecard([], areas, year=year), by_kpi
