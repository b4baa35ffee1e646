"""Direction of travel as pages, the API and downloads show it: each side of a comparison
described from the readings held (`Figure`), then judged by `kpis.rules.travel.compare`.

The grid (`kpis.reads.grid.build_grid`) reads the comparison quarters' readings in the query that
reads the quarters shown, so that its query count stays fixed; only quarters the reader sees are
read (`kpis.permissions.sight.Sight`), so that no direction is ever worked out from a figure the
reader may not see. The API and the readings download compare approved quarters only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kpis.choices import Frequency
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.models.unit import Unit
from kpis.permissions.sight import Sight
from kpis.reads import display
from kpis.rules.status import Rule, Status
from kpis.rules.travel import Comparison, Figure, compare, comparison_ends

# Why a quarter the reader sees has no figure to compare, by its status.
_ABSENT = {
    Status.NOT_IN_FORCE: "not in force",
    Status.SUSPENDED: "suspended, so its figure does not count",
    Status.NOT_MEASURED: "not measured",
    Status.MISSING: "missing",
    Status.NOT_DUE: "not due",
    display.NO_READING: "no reading recorded",
}
NO_RETURN = "no return is held"
NOT_APPROVED = "not yet approved"
# For the API and downloads, which read approved quarters only and cannot tell why one is absent.
NO_APPROVED_READING = "no approved reading held"

# A `Reading` read with its `status` (`ReadingQuerySet.with_status` or `judged`) and, where said,
# the rule in force (`with_rule`): annotations that its type does not know of.
Judged = Any


def figure_unit(kpi: Kpi, reading: Reading) -> Unit:
    """The unit a figure was reported in, without a query: the KPI's own, or the one loaded with
    the reading (`Reading.figure_unit`, for readings whose `kpi` is not attached)."""
    if not reading.unit_id or reading.unit_id == kpi.unit_id:
        return kpi.unit
    return reading.unit or kpi.unit


def quarter_figure(
    kpi: Kpi,
    end: datetime.date,
    reading: Reading | None,
    status: str,
    rule: Rule,
    *,
    draft: bool = False,
) -> Figure:
    """One quarter of `kpi` that the reader sees, with its `status` and the `rule` in force."""
    counts = status not in (Status.NOT_IN_FORCE, Status.SUSPENDED)
    if not counts or reading is None or reading.value is None:
        return Figure(end, absent=_ABSENT.get(status, "no figure"))
    unit = figure_unit(kpi, reading)
    return Figure(
        end,
        value=reading.value,
        unit=unit.code,
        unit_label=unit.label,
        target=display.target(rule.target, kpi.unit, kpi.direction, rule.strict),
        rule=rule,
        draft=draft,
    )


def judge(kpi: Kpi, now: Figure, previous: Figure, year: Figure) -> tuple[Comparison, Comparison]:
    """(since the previous quarter, since the same quarter a year before)."""
    return (
        compare(now, previous, direction=kpi.direction, unit=kpi.unit_id),
        compare(now, year, direction=kpi.direction, unit=kpi.unit_id),
    )


def comparison_periods(
    shown: Iterable[ReportingPeriod], held: Iterable[ReportingPeriod], sight: Sight
) -> list[ReportingPeriod]:
    """The held quarters that `shown` are compared with, for KPIs of any frequency, which the
    reader sees: the grid reads their readings with the quarters shown."""
    by_end = {p.end_date: p for p in held}
    wanted = {end for p in shown for f in Frequency for end in comparison_ends(p.end_date, f)}
    return [by_end[end] for end in sorted(wanted) if end in by_end and sight.shows(by_end[end])]


class GridComparisons:
    """The comparison quarters of one grid: `against` judges a quarter shown against them.

    `found` holds the readings of the quarters shown and of `comparison_periods`, by (KPI id,
    period id), with their status; `held` is every quarter the contract has a return for
    (`ReportingPeriod.objects.for_contract`). A KPI's suspensions and rule changes are
    prefetched.
    """

    def __init__(
        self,
        held: Iterable[ReportingPeriod],
        sight: Sight,
        found: Mapping[tuple[int, int], Judged],
    ) -> None:
        self.by_end = {p.end_date: p for p in held}
        self.sight = sight
        self.found = found

    def against(self, kpi: Kpi, now: Figure) -> tuple[Comparison, Comparison]:
        previous, year = comparison_ends(now.end, kpi.frequency)
        return judge(kpi, now, self.figure_at(kpi, previous), self.figure_at(kpi, year))

    def figure_at(self, kpi: Kpi, end: datetime.date) -> Figure:
        period = self.by_end.get(end)
        if not kpi.in_force(end):
            return Figure(end, absent=_ABSENT[Status.NOT_IN_FORCE])
        if period is None:
            return Figure(end, absent=NO_RETURN)
        if not self.sight.shows(period):
            return Figure(end, absent=NOT_APPROVED)
        reading = self.found.get((kpi.pk, period.pk))
        if reading is not None:
            status = reading.status
        elif any(s.covers(period) for s in kpi.suspensions.all()):
            status = Status.SUSPENDED
        else:
            status = display.NO_READING
        override = reading.target_override if reading is not None else None
        rule = kpi.rule_for(end, override)
        return quarter_figure(kpi, end, reading, status, rule, draft=self.sight.is_draft(period))


def annotated_rule(kpi: Kpi, reading: Judged) -> Rule:
    """The rule in force for `reading`'s quarter, from `ReadingQuerySet.with_rule`."""
    return Rule(
        direction=kpi.direction,
        target=reading.rule_target,
        strict=reading.rule_strict,
        detriment=reading.rule_detriment,
        failure=reading.rule_failure,
        basis=reading.rule_basis,
    )


def approved_figure(kpi: Kpi, reading: Judged) -> Figure:
    """An approved reading, read `with_rule().with_status()` with its period and unit."""
    return quarter_figure(
        kpi, reading.period.end_date, reading, reading.status, annotated_rule(kpi, reading)
    )


def earlier_figure(
    kpi: Kpi, end: datetime.date, earlier: Mapping[tuple[int, datetime.date], Judged]
) -> Figure:
    """The approved figure of `kpi` in the quarter ending `end`, from `earlier` (by KPI id and
    quarter end)."""
    if not kpi.in_force(end):
        return Figure(end, absent=_ABSENT[Status.NOT_IN_FORCE])
    reading = earlier.get((kpi.pk, end))
    if reading is None:
        return Figure(end, absent=NO_APPROVED_READING)
    return approved_figure(kpi, reading)


def approved_travel(
    reading: Judged, earlier: Mapping[tuple[int, datetime.date], Judged]
) -> tuple[Comparison, Comparison]:
    """The direction of travel of an approved reading (loaded as `approved_figure` says, with its
    KPI and the KPI's unit) against the approved readings in `earlier`."""
    kpi = reading.kpi
    now = approved_figure(kpi, reading)
    previous, year = comparison_ends(now.end, kpi.frequency)
    return judge(
        kpi, now, earlier_figure(kpi, previous, earlier), earlier_figure(kpi, year, earlier)
    )


def add_to_readings(readings: Sequence[Judged], today: datetime.date) -> None:
    """Set `travel_previous` and `travel_year` on each of `readings` (approved, read
    `with_rule().with_status()` with their period, KPI, the KPI's unit and their own unit), from
    the approved readings of the quarters they are compared with: one query, whatever their
    number."""
    # Each KPI's readings in every quarter wanted by any of them: a few more than needed, asked
    # for as two lists rather than a condition per reading.
    kpi_ids = {r.kpi_id for r in readings}
    ends = {e for r in readings for e in comparison_ends(r.period.end_date, r.kpi.frequency)}
    earlier: dict[tuple[int, datetime.date], Judged] = {}
    if readings:
        found = (
            Reading.objects.filter(kpi__in=kpi_ids, period__end_date__in=ends)
            .public()
            .with_rule()
            .with_status(today)
            .select_related("period", "unit")
        )
        earlier = {(r.kpi_id, r.period.end_date): r for r in found}
    for reading in readings:
        reading.travel_previous, reading.travel_year = approved_travel(reading, earlier)
