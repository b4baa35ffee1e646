"""What the supplier reported beside what the figures give, with the KPIs behind each difference."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count

from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, PublishedSummary, Reading, ReportingPeriod
from kpis.reads import contract_tables, display
from kpis.reads.summary import Counts, summarise_contract, summarise_judged
from kpis.rules.status import Status


@dataclass
class Comparison:
    area: ServiceArea
    period: ReportingPeriod
    published: PublishedSummary
    # None while the quarter's figures are not shown to the reader (not yet approved).
    computed: Counts | None
    # Readings of this area and quarter that are not a plain "met": what lies behind a difference.
    behind: list[Reading] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        if self.computed is None:
            return False
        return (self.published.measured, self.published.met) != (
            self.computed.measured,
            self.computed.met,
        )


@dataclass
class SuspendedKpi:
    kpi: Kpi
    quarters: int
    would_have_been: list[tuple[str, int]]

    @property
    def summary(self) -> str:
        parts = [
            f"{display.status_label(status).lower()} in {n} of {self.quarters} quarters"
            for status, n in self.would_have_been
        ]
        return "suspended: would have been " + ", ".join(parts)


def judged(
    contract: Contract, today: datetime.date, *, readable: Sequence[ReportingPeriod]
) -> list[Reading]:
    """Every reading of the contract's KPIs in the `readable` quarters with its `status` and
    `would_have_been`, in report order: what the page's counts, the readings behind a difference
    and the suspended KPIs are all worked out from, in two queries (the KPIs, their readings).

    Each reading holds its KPI (with its unit, suspensions and changes of rule, from the
    contract's small tables) and its quarter.
    """
    kpis = list(Kpi.objects.for_contract(contract).select_related("unit").in_report_order())
    contract_tables.attach_to_kpis(contract, kpis)
    place = {kpi.pk: n for n, kpi in enumerate(kpis)}
    by_id = {kpi.pk: kpi for kpi in kpis}
    periods = {p.pk: p for p in readable}
    readings = Reading.objects.judged(kpi_ids=list(by_id), period_ids=list(periods), today=today)
    for reading in readings:
        reading.kpi = by_id[reading.kpi_id]
        # Every KPI here is the contract's: reuse it rather than fetch it once per link.
        reading.kpi.contract = contract
        reading.period = periods[reading.period_id]
    readings.sort(key=lambda r: (place[r.kpi_id], r.period.end_date))
    return readings


def _status(reading: Reading) -> str:
    # Annotated by the query that read it (`Reading.objects.judged`, `with_status`).
    return getattr(reading, "status")  # noqa: B009


# Neither a data-only figure nor a quarter out of a KPI's life span is behind a count.
_NOT_BEHIND = (Status.MET, Status.DATA_ONLY, Status.NOT_IN_FORCE)


def _behind(readings) -> dict[tuple[int, int], list[Reading]]:
    """The readings behind each (service area id, period id)'s count, in the order given."""
    behind: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    for reading in readings:
        if _status(reading) in _NOT_BEHIND:
            continue
        behind[(reading.kpi.service_area_id, reading.period_id)].append(reading)
    return behind


def _with_rule_targets(behind: dict[tuple[int, int], list[Reading]]) -> None:
    for listed in behind.values():
        for reading in listed:
            # As `with_rule` annotates it, from the rows in hand; only for the readings listed,
            # as working out a rule takes longer than reading it.
            setattr(reading, "rule_target", reading.target)  # noqa: B010


def compare(
    contract: Contract,
    today: datetime.date,
    *,
    readable: Sequence[ReportingPeriod],
    counts: dict[tuple[int, int], Counts] | None = None,
    readings: Sequence[Reading] | None = None,
    judged: Sequence[Reading] | None = None,
) -> list[Comparison]:
    """Published against computed counts; computed only for the `readable` quarters, those whose
    figures the reader sees. Where the caller has them, without a query: `readings`, every
    readable reading with its status (`judged`), from which the counts and the readings behind
    them are taken; or `counts`, the readable quarters' counts (`summarise_contract`), with
    `judged`, readings of those quarters in hand (a grid's, each with its KPI and quarter), from
    which the readings behind them are taken."""
    published = contract_tables.published_summaries(contract)
    readable_ids = {p.pk for p in readable}
    periods = [
        p for p in {p.period_id: p.period for p in published}.values() if p.pk in readable_ids
    ]
    if readings is not None:
        counts, behind = summarise_judged(readings), _behind(readings)
        _with_rule_targets(behind)
    else:
        if counts is None:
            counts = summarise_contract(contract, periods, today)
        if judged is not None:
            wanted = {p.pk for p in periods}
            in_hand = [r for r in judged if r.period_id in wanted]
            for reading in in_hand:
                # Every KPI here is the contract's: reuse it rather than fetch it once per link.
                reading.kpi.contract = contract
            behind = _behind(sorted(in_hand, key=lambda r: (r.kpi.position, r.kpi_id)))
            _with_rule_targets(behind)
        else:
            behind = _behind(_readings_behind(contract, today, periods))
    return [
        Comparison(
            p.service_area,
            p.period,
            p,
            counts.get((p.service_area_id, p.period_id), Counts())
            if p.period_id in readable_ids
            else None,
            behind.get((p.service_area_id, p.period_id), []),
        )
        for p in published
    ]


def _readings_behind(contract: Contract, today: datetime.date, periods) -> list[Reading]:
    readings = list(
        Reading.objects.for_contract(contract)
        .filter(period__in=[p.pk for p in periods])
        .with_rule()
        .with_status(today)
        .exclude(status__in=_NOT_BEHIND)
        .select_related("kpi__unit")
        # Grouped by area and quarter, so only the order within an area matters.
        .order_by("kpi__position", "kpi_id")
    )
    for reading in readings:
        reading.kpi.contract = contract
    return readings


def suspended_kpis(
    contract: Contract,
    today: datetime.date,
    *,
    readable: Sequence[ReportingPeriod],
    readings: Sequence[Reading] | None = None,
) -> list[SuspendedKpi]:
    """Each suspended KPI with what its figures would have given over the `readable` quarters.
    `readings`: every readable reading with its status (`judged`), where the caller has them."""
    if readings is not None:
        return _suspended_from(readings)
    rows = (
        Reading.objects.for_contract(contract)
        .filter(period__in=[p.pk for p in readable])
        .with_status(today)
        .filter(status=Status.SUSPENDED)
        .values("kpi_id", "would_have_been")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Each KPI and would-have-been status comes once, grouped by the query.
    tally: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        tally[row["kpi_id"]][row["would_have_been"]] = row["n"]
    # Django answers an empty `pk__in` without asking the database.
    kpis = list(Kpi.objects.filter(pk__in=list(tally)).in_report_order())
    for kpi in kpis:
        kpi.contract = contract
    return _suspended({kpi: tally[kpi.pk] for kpi in kpis})


def _suspended_from(readings: Sequence[Reading]) -> list[SuspendedKpi]:
    """`suspended_kpis` from readings in hand (in report order)."""
    tally: dict[Kpi, dict[str, int]] = {}
    for reading in readings:
        if _status(reading) == Status.SUSPENDED:
            would_have_been = getattr(reading, "would_have_been")  # noqa: B009
            would = tally.setdefault(reading.kpi, {})
            would[would_have_been] = would.get(would_have_been, 0) + 1
    return _suspended(tally)


def _suspended(tally: dict[Kpi, dict[str, int]]) -> list[SuspendedKpi]:
    """Each KPI, in the order given, with how many of its quarters were suspended and what they
    would have been (`tally`: a count for each would-have-been status)."""
    order = list(Status)
    return [
        SuspendedKpi(
            kpi,
            sum(would.values()),
            sorted(would.items(), key=lambda item: order.index(Status(item[0]))),
        )
        for kpi, would in tally.items()
    ]
