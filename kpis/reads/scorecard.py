"""Counts for the home page and the contract scorecard, counted by the database."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.permissions.sight import Sight
from kpis.reads import display
from kpis.reads.grid import Cell, Row
from kpis.reads.summary import Counts, summarise_contract
from kpis.rules.status import Status


def _sum(cells: Iterable[Counts | None]) -> Counts:
    return sum((c for c in cells if c is not None), Counts())


@dataclass
class AreaRow:
    area: ServiceArea
    # None for a quarter whose figures the reader does not see.
    cells: list[Counts | None]

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
    def any_hidden(self) -> bool:
        return any(self.hidden)


def scorecard(
    contract: Contract, periods: Sequence[ReportingPeriod], today: datetime.date, *, sight: Sight
) -> Scorecard:
    """Counts per service area and quarter; "all quarters" totals count the shown ones only."""
    shown = {p.pk for p in sight.shown(periods)}
    counts = summarise_contract(contract, [p for p in periods if p.pk in shown], today)
    rows = [
        AreaRow(
            area,
            [counts.get((area.pk, p.pk), Counts()) if p.pk in shown else None for p in periods],
        )
        for area in contract.service_areas.all()
    ]
    hidden = [
        None if p.pk in shown else display.in_progress_status(p.return_state) for p in periods
    ]
    return Scorecard(list(periods), rows, hidden, [sight.is_draft(p) for p in periods])


def latest_counts(latest: dict[int, int], today: datetime.date) -> dict[int, Counts]:
    """Counts for each contract's latest quarter, from {contract id: period id}, in one query."""
    if not latest:
        return {}
    # One branch per quarter, not per contract: the database then reads each quarter's readings
    # through the period index instead of testing every branch on every row.
    by_period: dict[int, list[int]] = defaultdict(list)
    for contract_id, period_id in latest.items():
        by_period[period_id].append(contract_id)
    wanted = reduce(
        or_, (Q(period_id=p, kpi__contract_id__in=cs) for p, cs in sorted(by_period.items()))
    )
    rows = (
        Reading.objects.filter(wanted)
        .with_status(today)
        .values("kpi__contract_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, Counts] = defaultdict(Counts)
    for row in rows:
        counts[row["kpi__contract_id"]].add(row["status"], row["n"])
    return counts


@dataclass
class Exception_:
    """A KPI left out of the counts in some of the quarters shown, with why."""

    kpi: Kpi
    status: str
    periods: list[ReportingPeriod] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def left_out(
    contract: Contract, periods: Sequence[ReportingPeriod], today: datetime.date, *, sight: Sight
) -> list[Exception_]:
    """Suspended, not measured and missing KPIs in `periods`, as the report lists them in prose."""
    readings = (
        Reading.objects.for_contract(contract)
        .filter(period__in=[p.pk for p in sight.shown(periods)])
        .with_status(today)
        .filter(status__in=[Status.SUSPENDED, Status.NOT_MEASURED, Status.MISSING])
        .select_related("kpi__service_area", "period")
        .prefetch_related("kpi__suspensions")
        .order_by("kpi__service_area__position", "kpi__position", "kpi_id", "period__end_date")
    )
    found: dict[tuple[int, str], Exception_] = {}
    for reading in readings:
        # Every KPI here is the contract's: reuse it rather than fetch it once per link.
        reading.kpi.contract = contract
        key = (reading.kpi_id, reading.status)
        item = found.setdefault(key, Exception_(reading.kpi, reading.status))
        item.periods.append(reading.period)
        reason = ""
        if reading.status == Status.SUSPENDED:
            reason = next(
                (s.reason for s in reading.kpi.suspensions.all() if s.covers(reading.period)), ""
            )
        elif reading.not_measured_reason:
            reason = reading.not_measured_reason
        elif reading.status == Status.NOT_MEASURED:
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
