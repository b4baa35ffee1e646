"""Realistic made-up contracts, KPIs and quarterly readings, in bulk, for demos and for speed tests.

`generate(contracts=50, kpis=40, quarters=20)` adds 50 contracts of 40 KPIs each, with one reading
per KPI per quarter (40,000 readings), and returns a `DemoData` that says what it added:

- service areas (three to six a contract), KPIs of every unit and direction, with detriment and
  failure thresholds on about half, a few strict targets, scales on the scores;
- monthly, quarterly and annual KPIs (annual ones have a figure only at the year end, so the other
  quarters come out "not due");
- half the KPIs monthly, with three months beneath each quarter's reading and the quarter's figure
  rolled up from them by the KPI's rule (sum, average, last, worst, or a ratio of the parts: about
  half the monthly percentages are collected as a numerator and a denominator);
- suspensions (about one KPI in thirty, for a span of quarters), readings "not measured" with a
  reason (about one in twenty-five), quarters with a target of their own, commentary on misses;
- one quarterly return per contract and quarter: the oldest approved, then submitted, the latest
  in draft.

Rows go in with `bulk_create` in batches; on PostgreSQL the readings and their months are streamed
with COPY instead (`demo_copy`), which loads a million readings in well under two minutes. The
same seed always gives the same data. Contract codes are DEMO0001, DEMO0002... carrying on from
any demo contracts already held.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from contracts.models import Contract, ServiceArea
from kpis.choices import Direction, Frequency, ReturnState, Rollup, UnitCode
from kpis.models import (
    Kpi,
    MonthlyFigure,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    Suspension,
)
from kpis.models.period import quarter_end_for
from kpis.rules import rollup
from kpis.rules.status import Rule, Status, judge
from kpis.writes.demo_copy import copy_all
from kpis.writes.demo_rows import Row, batches

CODE_PREFIX = "DEMO"
BATCH_SIZE = 5000

COUNCILS = [
    "Northshire County Council",
    "Eastmoor District Council",
    "Riverside Borough Council",
    "Westvale City Council",
    "Southdown Unitary Council",
]
SUPPLIERS = ["Serco Limited", "Capita plc", "Kier Group", "Veolia UK", "Mitie Group"]
SERVICES = [
    "Strategic Partnership",
    "ICT Managed Service",
    "Waste and Street Scene",
    "Highways Maintenance",
    "Facilities Management",
    "Revenues and Benefits",
]
AREAS = [
    ("STS", "Shared Transactional Services"),
    ("CS", "Customer Services"),
    ("BS", "Business Support"),
    ("PROC", "Procurement"),
    ("FSS", "Financial Systems Support"),
    ("BTSI", "Business Transformation and Service Improvement"),
]
MEASURES = {
    UnitCode.PERCENT: [
        "Calls answered within 60 seconds",
        "Invoices paid within 30 days",
        "New benefit claims processed on time",
        "Council tax collected in year",
        "Customer satisfaction with the service",
    ],
    UnitCode.COUNT: [
        "Priority 1 incidents not resolved in time",
        "Payroll errors",
        "Data breaches",
    ],
    UnitCode.DAYS: [
        "Average days to process a change of circumstances",
        "Days to answer a complaint",
    ],
    UnitCode.SCORE: ["Quarterly service review score", "Partnership board assessment"],
}
# What each percentage is counted from, where its months are collected as two parts.
PARTS = {
    "Calls answered within 60 seconds": ("calls answered within 60 seconds", "calls offered"),
    "Invoices paid within 30 days": ("invoices paid within 30 days", "invoices received"),
    "New benefit claims processed on time": ("claims processed on time", "claims received"),
    "Council tax collected in year": ("council tax collected (£)", "council tax due (£)"),
    "Customer satisfaction with the service": ("customers satisfied", "customers surveyed"),
}
# The roll-up rules a monthly KPI may follow, by unit and whether its months come as parts: a
# count's quarter must be a whole number (never an average), and a ratio needs the parts.
ROLLUPS: dict[tuple[str, bool], list[Rollup]] = {
    (UnitCode.PERCENT, True): [Rollup.RATIO, Rollup.RATIO, Rollup.LAST, Rollup.WORST],
    (UnitCode.PERCENT, False): [Rollup.AVERAGE, Rollup.LAST, Rollup.WORST],
    (UnitCode.COUNT, False): [Rollup.SUM, Rollup.SUM, Rollup.LAST, Rollup.WORST],
    (UnitCode.DAYS, False): [Rollup.AVERAGE, Rollup.LAST, Rollup.WORST],
    (UnitCode.SCORE, False): [Rollup.AVERAGE, Rollup.LAST, Rollup.WORST],
}
NOT_MEASURED_REASONS = ["no survey", "no call received", "N/A", "system outage"]
MISS_COMMENTARY = [
    "Staff sickness in the team; agency cover arranged from next month.",
    "A system upgrade slowed processing for three weeks; backlog cleared by quarter end.",
    "Higher than forecast demand after the annual billing run.",
    "Supplier has submitted an improvement plan, to be reviewed at the partnership board.",
]
SUSPENSION_REASONS = [
    "Work management system no longer supported",
    "Measure under review with the supplier",
    "Service transferred in house for part of the year",
]


@dataclass(frozen=True)
class DemoData:
    """What one `generate` call added."""

    contracts: int
    service_areas: int
    kpis: int
    periods: int
    readings: int
    months: int
    suspensions: int
    returns: int
    contract_codes: list[str]
    period_ids: list[int]


def generate(
    *,
    contracts: int,
    kpis: int,
    quarters: int,
    seed: int = 0,
    last_quarter: datetime.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoData:
    """Add `contracts` contracts of `kpis` KPIs each, with a reading for each of `quarters`
    quarters up to `last_quarter` (by default the latest quarter already over)."""
    if min(contracts, kpis, quarters) < 1:
        raise ValueError("Contracts, KPIs and quarters must each be at least 1.")
    rng = random.Random(seed)
    today = timezone.localdate()
    if last_quarter is None:
        last_quarter = quarter_end_for(quarter_end_for(today) - datetime.timedelta(days=92))
    with transaction.atomic():
        periods = _periods(quarters, last_quarter)
        made = _contracts(rng, contracts, batch_size)
        areas = _service_areas(rng, made, batch_size)
        kpi_rows = _kpis(rng, made, areas, kpis, batch_size)
        suspensions = _suspensions(rng, kpi_rows, periods, batch_size)
        suspended = {(s.kpi_id, p.pk) for s in suspensions for p in periods if s.covers(p)}
        readings, months = _insert_readings(
            _readings(rng, kpi_rows, periods, suspended), batch_size, len(kpi_rows) * len(periods)
        )
        returns = _returns(made, periods, batch_size)
    return DemoData(
        contracts=len(made),
        service_areas=len(areas),
        kpis=len(kpi_rows),
        periods=len(periods),
        readings=readings,
        months=months,
        suspensions=len(suspensions),
        returns=returns,
        contract_codes=[c.code for c in made],
        period_ids=[p.pk for p in periods],
    )


def _periods(quarters: int, last: datetime.date) -> list[ReportingPeriod]:
    ends = [last]
    while len(ends) < quarters:
        ends.append(quarter_end_for(ends[-1] - datetime.timedelta(days=92)))
    ReportingPeriod.objects.bulk_create(
        [ReportingPeriod(end_date=end, **ReportingPeriod.fields_for(end)) for end in ends],
        ignore_conflicts=True,
    )
    return list(ReportingPeriod.objects.filter(end_date__in=ends).order_by("end_date"))


def _contracts(rng: random.Random, count: int, batch_size: int) -> list[Contract]:
    taken = Contract.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True)
    start = 1 + max(
        (int(c[len(CODE_PREFIX) :]) for c in taken if c[len(CODE_PREFIX) :].isdigit()), default=0
    )
    rows = []
    for number in range(start, start + count):
        begins = datetime.date(rng.randint(2008, 2018), rng.choice([4, 10]), 1)
        rows.append(
            Contract(
                code=f"{CODE_PREFIX}{number:04d}",
                name=f"{rng.choice(SERVICES)} {number}",
                authority=rng.choice(COUNCILS),
                supplier=rng.choice(SUPPLIERS),
                description="Made-up contract for demonstrations and speed tests.",
                start_date=begins,
                end_date=begins.replace(year=begins.year + rng.choice([7, 10, 12])),
            )
        )
    Contract.objects.bulk_create(rows, batch_size=batch_size)
    codes = [c.code for c in rows]
    return list(Contract.objects.filter(code__in=codes).order_by("code"))


def _service_areas(
    rng: random.Random, contracts: list[Contract], batch_size: int
) -> list[ServiceArea]:
    rows = [
        ServiceArea(contract=contract, code=code, name=name, position=position)
        for contract in contracts
        for position, (code, name) in enumerate(AREAS[: rng.randint(3, len(AREAS))], start=1)
    ]
    ServiceArea.objects.bulk_create(rows, batch_size=batch_size)
    return list(
        ServiceArea.objects.filter(contract__in=contracts).order_by("contract_id", "position")
    )


def _kpi(rng: random.Random, unit: str, frequency: str) -> dict:
    """A KPI's unit, direction and thresholds, in the shapes the seed contracts use."""
    thresholds = rng.random() < 0.5
    if unit == UnitCode.PERCENT:
        target = Decimal(rng.choice([80, 85, 90, 95, 98]))
        fields = {"direction": Direction.HIGHER, "target": target}
        if thresholds:
            fields |= {"detriment": target - 3, "failure": target - 6}
    elif unit == UnitCode.COUNT:
        fields = {"direction": Direction.LOWER, "target": Decimal(0)}
        if thresholds:
            fields |= {"detriment": Decimal(1), "failure": Decimal(2)}
    elif unit == UnitCode.DAYS:
        target = Decimal(rng.choice([5, 10, 14]))
        fields = {"direction": Direction.LOWER, "target": target, "target_strict": True}
        if thresholds:
            fields |= {"detriment": target + 2, "failure": target + 5}
    else:
        fields = {
            "direction": Direction.HIGHER,
            "target": Decimal("3.5"),
            "target_strict": rng.random() < 0.5,
            "scale_min": Decimal(1),
            "scale_max": Decimal(5),
        }
    return {"unit_id": unit, "frequency": frequency, **fields}


def _kpis(
    rng: random.Random,
    contracts: list[Contract],
    areas: list[ServiceArea],
    per_contract: int,
    batch_size: int,
) -> list[Kpi]:
    by_contract: dict[int, list[ServiceArea]] = {}
    for area in areas:
        by_contract.setdefault(area.contract_id, []).append(area)
    units = [UnitCode.PERCENT] * 6 + [UnitCode.COUNT] * 2 + [UnitCode.DAYS, UnitCode.SCORE]
    # Every other KPI is monthly; the rest mostly quarterly.
    others = [Frequency.QUARTERLY] * 4 + [Frequency.ANNUAL]
    rows = []
    for contract in contracts:
        contract_areas = by_contract[contract.pk]
        for number in range(per_contract):
            area = contract_areas[number % len(contract_areas)]
            unit = rng.choice(units)
            description = rng.choice(MEASURES[unit])
            monthly = number % 2 == 0
            frequency = Frequency.MONTHLY if monthly else rng.choice(others)
            fields = _kpi(rng, unit, frequency)
            if monthly:
                fields |= _months_rule(rng, unit, description)
            rows.append(
                Kpi(
                    contract=contract,
                    service_area=area,
                    reference=f"{area.code}-K-{number + 1:03d}",
                    description=description,
                    position=number,
                    **fields,
                )
            )
    Kpi.objects.bulk_create(rows, batch_size=batch_size)
    return list(Kpi.objects.filter(contract__in=contracts).order_by("pk"))


def _months_rule(rng: random.Random, unit: str, description: str) -> dict:
    """How a monthly KPI's months make its quarter: about half the percentages are collected as
    parts, and each KPI takes one of the rules its unit allows."""
    parts = PARTS.get(description) if unit == UnitCode.PERCENT and rng.random() < 0.5 else None
    fields: dict = {"rollup": rng.choice(ROLLUPS[unit, parts is not None])}
    if parts:
        fields |= {"numerator_label": parts[0], "denominator_label": parts[1]}
    return fields


def _suspensions(
    rng: random.Random, kpis: list[Kpi], periods: list[ReportingPeriod], batch_size: int
) -> list[Suspension]:
    rows = []
    for kpi in kpis:
        if rng.random() >= 1 / 30:
            continue
        first = rng.randrange(len(periods))
        last = min(len(periods) - 1, first + rng.randint(0, 4))
        ongoing = last == len(periods) - 1 and rng.random() < 0.5
        rows.append(
            Suspension(
                kpi=kpi,
                first_quarter=periods[first].end_date,
                last_quarter=None if ongoing else periods[last].end_date,
                reason=rng.choice(SUSPENSION_REASONS),
            )
        )
    return Suspension.objects.bulk_create(rows, batch_size=batch_size)


def _figure(rng: random.Random, kpi: Kpi, misses: float = 0.2) -> tuple[Decimal, bool]:
    """A figure near the target, and whether it misses it (by default about one in five do)."""
    miss = rng.random() < misses
    if kpi.unit_id == UnitCode.PERCENT:
        target = float(kpi.target)
        low, high = (max(0.0, target - 12), target - 0.01) if miss else (target, 100.0)
        return Decimal(f"{rng.uniform(low, high):.2f}"), miss
    if kpi.unit_id == UnitCode.COUNT:
        return Decimal(rng.randint(1, 4) if miss else 0), miss
    if kpi.unit_id == UnitCode.DAYS:
        target = float(kpi.target)
        value = rng.uniform(target, target + 8) if miss else rng.uniform(1, target - 0.1)
        return Decimal(f"{value:.1f}"), miss
    return Decimal(rng.choice([2, 3] if miss else [4, 5])), miss


def _month(rng: random.Random, kpi: Kpi, end: datetime.date) -> rollup.Month:
    """One month's figure, or its two parts: a month misses less often than a quarter, as a
    quarter rolled up from three can miss through any of them."""
    if rng.random() < 0.03:
        return rollup.Month(end, not_measured_reason=rng.choice(NOT_MEASURED_REASONS))
    value, _ = _figure(rng, kpi, misses=0.08)
    if not kpi.has_parts:
        return rollup.Month(end, value)
    denominator = Decimal(rng.randint(40, 400))
    numerator = min(denominator, (value * denominator / 100).to_integral_value())
    figure, reason = rollup.month_from_parts(numerator, denominator, percent=True)
    return rollup.Month(end, figure, reason, numerator, denominator)


def _months(
    rng: random.Random, kpi: Kpi, ends: list[datetime.date], measured: bool
) -> list[rollup.Month]:
    """The quarter's three months (ending on `ends`); all of them not measured, with one reason,
    where the quarter is not."""
    if not measured:
        reason = rng.choice(NOT_MEASURED_REASONS)
        return [rollup.Month(end, not_measured_reason=reason) for end in ends]
    return [_month(rng, kpi, end) for end in ends]


def _misses(kpi: Kpi, row: Row) -> bool:
    target = kpi.target if row.target_override is None else row.target_override
    rule = Rule(kpi.direction, target, kpi.target_strict)
    return row.value is not None and judge(rule, row.value) != Status.MET


def _readings(
    rng: random.Random,
    kpis: list[Kpi],
    periods: list[ReportingPeriod],
    suspended: set[tuple[int, int]],
) -> Iterator[Row]:
    """Each KPI's reading in each quarter, with the months beneath it (none for a quarterly or
    annual KPI); a monthly KPI's quarter is rolled up from its months."""
    month_ends = {period.pk: rollup.quarter_months(period.end_date) for period in periods}
    for kpi in kpis:
        percent = kpi.unit_id == UnitCode.PERCENT
        for period in periods:
            row = Row(kpi.pk, period.pk, kpi.unit_id)
            if kpi.frequency == Frequency.ANNUAL and not period.is_year_end:
                yield row
                continue
            measured = rng.random() >= 0.04 or (kpi.pk, period.pk) in suspended
            if measured and percent and kpi.target is not None and rng.random() < 0.05:
                row.target_override = kpi.target - rng.choice([1, 2, 3])
            if kpi.is_monthly:
                row.months = _months(rng, kpi, month_ends[period.pk], measured)
                quarter = rollup.roll_up(
                    row.months, kpi.rollup_rule, direction=kpi.direction, percent=percent
                )
                row.value, row.not_measured_reason = quarter.value, quarter.not_measured_reason
            elif measured:
                row.value, _ = _figure(rng, kpi)
                row.reported_as = f"{row.value}"
            else:
                row.not_measured_reason = rng.choice(NOT_MEASURED_REASONS)
            if _misses(kpi, row):
                row.commentary = rng.choice(MISS_COMMENTARY)
            yield row


def _insert_readings(rows: Iterator[Row], batch_size: int, count: int) -> tuple[int, int]:
    """Write the `count` readings and the months beneath them, a batch at a time; how many of
    each."""
    if connection.vendor == "postgresql":
        return copy_all(rows, batch_size * 4, count)
    readings = months = 0
    for batch in batches(rows, batch_size):
        made = Reading.objects.bulk_create(
            [row.as_reading() for row in batch], batch_size=batch_size
        )
        figures = [
            _monthly_figure(reading, month)
            for row, reading in zip(batch, made, strict=True)
            for month in row.months
        ]
        MonthlyFigure.objects.bulk_create(figures, batch_size=batch_size)
        readings += len(batch)
        months += sum(len(row.months) for row in batch)
    return readings, months


def _monthly_figure(reading: Reading, month: rollup.Month) -> MonthlyFigure:
    return MonthlyFigure(
        reading=reading,
        month_end=month.month_end,
        value=month.value,
        not_measured_reason=month.not_measured_reason,
        numerator=month.numerator,
        denominator=month.denominator,
    )


def _returns(contracts: list[Contract], periods: list[ReportingPeriod], batch_size: int) -> int:
    now = timezone.now()
    rows = []
    for contract in contracts:
        for index, period in enumerate(periods):
            from_latest = len(periods) - 1 - index
            if from_latest == 0:
                state = ReturnState.DRAFT
            elif from_latest == 1:
                state = ReturnState.SUBMITTED
            else:
                state = ReturnState.APPROVED
            rows.append(
                QuarterlyReturn(
                    contract=contract,
                    period=period,
                    state=state,
                    submitted_at=None if state == ReturnState.DRAFT else now,
                    approved_at=now if state == ReturnState.APPROVED else None,
                )
            )
    return len(QuarterlyReturn.objects.bulk_create(rows, batch_size=batch_size))
