"""What the supplier reported beside what the figures give, with the KPIs behind each difference."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, PublishedSummary, Reading, ReportingPeriod
from kpis.reads import contract_tables, display
from kpis.reads.summary import Counts, summarise_contract
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


def compare(
    contract: Contract,
    today: datetime.date,
    *,
    readable: Sequence[ReportingPeriod],
    counts: dict[tuple[int, int], Counts] | None = None,
    judged: Sequence[Reading] | None = None,
) -> list[Comparison]:
    """Published against computed counts; computed only for the `readable` quarters, those whose
    figures the reader sees. `counts`: the readable quarters' counts (`summarise_contract`)
    where the caller has them; `judged`: their readings, each with its status, KPI (with its
    changes of rule) and quarter, where the caller has them (a grid's)."""
    published = contract_tables.published_summaries(contract)
    readable_ids = {p.pk for p in readable}
    periods = [
        p for p in {p.period_id: p.period for p in published}.values() if p.pk in readable_ids
    ]
    if counts is None:
        counts = summarise_contract(contract, periods, today)
    behind: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    if judged is None:
        readings = _behind(contract, periods, today)
    else:
        readings = _behind_in_hand(judged, periods)
    for reading in readings:
        # Every KPI here is the contract's: reuse it rather than fetch it once per link.
        reading.kpi.contract = contract
        behind[(reading.kpi.service_area_id, reading.period_id)].append(reading)
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


# Neither a data-only figure nor a quarter out of a KPI's life span is behind a count.
_NOT_BEHIND = [Status.MET, Status.DATA_ONLY, Status.NOT_IN_FORCE]


def _behind(
    contract: Contract, periods: Sequence[ReportingPeriod], today: datetime.date
) -> list[Reading]:
    """The readings of `periods` that may lie behind a difference, each with the target that
    judged it (`rule_target`): one query."""
    readings = (
        Reading.objects.for_contract(contract)
        .filter(period__in=[p.pk for p in periods])
        .with_rule()
        .with_status(today)
        .exclude(status__in=_NOT_BEHIND)
        .select_related("kpi__unit")
        # Grouped by area and quarter, so only the order within an area matters.
        .order_by("kpi__position", "kpi_id")
    )
    return list(readings)


def _behind_in_hand(judged: Sequence[Any], periods: Sequence[ReportingPeriod]) -> list[Reading]:
    """`_behind` from readings in hand, each given the target that judged it as `_behind`'s
    query gives it."""
    wanted = {p.pk for p in periods}
    found = [r for r in judged if r.period_id in wanted and r.status not in _NOT_BEHIND]
    for reading in found:
        reading.rule_target = reading.rule.target
    return sorted(found, key=lambda r: (r.kpi.position, r.kpi_id))


def suspended_kpis(
    contract: Contract, today: datetime.date, *, readable: Sequence[ReportingPeriod]
) -> list[SuspendedKpi]:
    """Each suspended KPI with what its figures would have given over the `readable` quarters."""
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
    order = list(Status)
    return [
        SuspendedKpi(
            kpi,
            sum(tally[kpi.pk].values()),
            sorted(tally[kpi.pk].items(), key=lambda item: order.index(Status(item[0]))),
        )
        for kpi in kpis
    ]
