"""KPIs down, quarters across: the report's Appendix B, built in a fixed number of queries.

One query for the KPIs (with their suspensions prefetched) and one for every reading in the
chosen quarters with its status worked out by the database, whatever the number of KPIs; a page
that shows monthly KPIs' months adds one more for all of them (`add_month_figures`).

A quarter whose figures the reader may not see (`kpis.permissions.sight`) is never read: its cells
say how far its return has got instead.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod, RuleChange, Suspension
from kpis.permissions.sight import Sight
from kpis.reads import contract_tables, display, travel
from kpis.reads.marks import Mark
from kpis.reads.summary import Counts
from kpis.rules import rollup
from kpis.rules.numbers import NotANumber
from kpis.rules.status import Rule, Status
from kpis.rules.travel import Comparison


@dataclass(frozen=True)
class HeldMonth:
    """One month held beneath a quarter, judged as the KPI's page lists it: by the rule in force
    for its quarter, and suspended with it."""

    month_end: datetime.date
    value: Decimal | None
    figure_text: str
    reason: str
    # The two parts the figure was worked out from, in words, where it was given as parts.
    parts: str
    status: Status
    would_have_been: Status | None = None

    @property
    def label(self) -> str:
        return rollup.month_label(self.month_end)

    @property
    def note(self) -> str:
        """Why there is no figure, or what it was worked out from."""
        return f"Not measured: {self.reason}" if self.reason else self.parts

    @property
    def status_label(self) -> str:
        return display.status_label(self.status)


@dataclass
class Cell:
    kpi: Kpi
    period: ReportingPeriod
    reading: Reading | None
    status: str
    would_have_been: str | None = None
    suspension: Suspension | None = None
    # Figures of a quarter not yet approved, shown to those working on the contract.
    is_draft: bool = False
    # A note another app puts on the figure (`kpis.reads.marks`), such as "Restated".
    mark: Mark | None = None
    # Where a back-filled quarter's figures were taken from, for quarters shown.
    source: str = ""
    # In print, where the same note was given in an earlier quarter of the row: its label.
    note_given_in: str = ""
    # A monthly KPI's months beneath the quarter, oldest first, where the page read them
    # (`add_month_figures`); never for a quarter whose figures the reader may not see.
    month_figures: list[MonthlyFigure] = field(default_factory=list)
    # The same months in words, as the return page lists them, and whether a monthly KPI's
    # quarter was entered alone: set by the pages that show them (`kpis.pages.tables.add_months`).
    months: list = field(default_factory=list)
    entered_for_quarter: bool = False
    # The direction of travel since the previous quarter and since the same quarter a year
    # before (`kpis.reads.travel`), where the grid was built with the contract's quarters.
    travel_previous: Comparison | None = None
    travel_year: Comparison | None = None

    @property
    def rule(self) -> Rule:
        """The target and thresholds this quarter is judged by."""
        override = self.reading.target_override if self.reading is not None else None
        return self.kpi.rule_for(self.period.end_date, override)

    @property
    def target_value(self) -> Decimal | None:
        return self.rule.target

    @property
    def target_text(self) -> str:
        if self.status == Status.NOT_IN_FORCE:
            return ""
        rule = self.rule
        return display.target(rule.target, self.kpi.unit, self.kpi.direction, rule.strict)

    @property
    def target_label(self) -> str:
        """The target as a cell shows it: 'target ≥ 90%', 'Data only' where there is none, and
        nothing for a quarter outside the KPI's life span."""
        text = self.target_text
        if not text or text == display.DATA_ONLY_TARGET:
            return text
        return f"target {text}"

    @property
    def figure_text(self) -> str:
        if self.reading is None or self.reading.value is None:
            return ""
        return display.figure(self.reading.value, self.reading.figure_unit)

    @property
    def printed_as(self) -> str:
        """The source's own text for the cell, where it says more than the figure does."""
        reading = self.reading
        if reading is None or not reading.reported_as:
            return ""
        # "100.00", "3,289 tonnes", "95%": the figure as shown, in other print; nothing more.
        try:
            if reading.value is not None and (
                reading.figure_unit.read_figure(reading.reported_as) == reading.value
            ):
                return ""
        except NotANumber:
            pass
        return reading.reported_as

    @property
    def is_hidden(self) -> bool:
        return self.status in display.IN_PROGRESS

    @property
    def note(self) -> str:
        """Why a cell has no countable figure, in words."""
        reading = self.reading
        if self.status == Status.NOT_IN_FORCE:
            return self.kpi.not_in_force_reason(self.period.end_date)
        if self.is_hidden:
            return "Figures are shown once a contract manager approves the return."
        if self.status == Status.SUSPENDED and self.suspension is not None:
            return f"Suspended: {self.suspension.reason}"
        if reading is None:
            return "No reading recorded for this quarter."
        if reading.not_measured_reason:
            return f"Not measured: {reading.not_measured_reason}"
        if self.status == Status.NOT_MEASURED and reading.value is not None:
            return (
                f"Reported as {reading.unit.label.lower()}, not "
                f"{self.kpi.unit.label.lower()}: cannot be compared with the target."
            )
        return ""

    @property
    def status_label(self) -> str:
        return display.status_label(self.status)

    @property
    def commentary(self) -> str:
        return self.reading.commentary if self.reading is not None else ""

    @property
    def held_months(self) -> list[HeldMonth]:
        """The months read beneath the quarter, each judged by the quarter's rule."""
        return [self._held(figure) for figure in self.month_figures]

    def _held(self, figure: MonthlyFigure) -> HeldMonth:
        kpi = self.kpi
        evaluation = figure.evaluate(self.rule, suspended=self.suspension is not None)
        parts = ""
        if figure.numerator is not None:
            parts = (
                f"{display.number(figure.numerator)} {kpi.numerator_label} of "
                f"{display.number(figure.denominator)} {kpi.denominator_label}"
            )
        return HeldMonth(
            month_end=figure.month_end,
            value=figure.value,
            figure_text=display.figure(figure.value, kpi.unit),
            reason=figure.not_measured_reason,
            parts=parts,
            status=evaluation.status,
            would_have_been=evaluation.would_have_been,
        )


@dataclass
class Row:
    kpi: Kpi
    cells: list[Cell] = field(default_factory=list)
    # The KPI's financial year to date, where a page shows one (the KPI table).
    year: Counts | None = None

    def say_notes_once(self) -> None:
        """On paper, a note repeated quarter after quarter (a suspension's reason) is printed in
        the first quarter only; the later ones refer back to it."""
        first: dict[str, str] = {}
        for cell in self.cells:
            note = cell.note
            if note and note in first:
                cell.note_given_in = first[note]
            elif note:
                first[note] = cell.period.label

    @property
    def reference_key(self) -> str:
        # ICT KPIs are numbered 1..19: pad numbers so that 2 sorts before 10.
        return re.sub(r"\d+", lambda m: m.group().zfill(6), self.kpi.reference.lower())

    @property
    def area_key(self) -> tuple[int, str]:
        return (self.kpi.service_area.position, self.kpi.service_area.code)


def build_grid(
    kpis: QuerySet | list[Kpi],
    periods: Sequence[ReportingPeriod],
    today: datetime.date | None = None,
    *,
    sight: Sight,
    held_periods: Sequence[ReportingPeriod] | None = None,
    contract=None,
) -> list[Row]:
    """One row per KPI, one cell per quarter of `periods`.

    With `held_periods` (every quarter the contract has a return for, from
    `ReportingPeriod.objects.for_contract`) each cell the reader sees also gets its direction of
    travel, from the readings of the quarters it is compared with, read in the same query.
    With `contract` (every KPI being its), the KPIs' suspensions and changes of rule come from
    its small tables (`kpis.reads.contract_tables`) rather than two queries of their own.
    KPIs given as a list are taken as read, with their service area, contract and unit: a page
    about one KPI has it in hand already.
    """
    if isinstance(kpis, QuerySet):
        kpis = kpis.select_related("service_area", "contract", "unit")
    if contract is None:
        kpi_list = list(kpis)
        prefetch_related_objects(
            kpi_list,
            "suspensions",
            Prefetch("rule_changes", RuleChange.objects.select_related("changed_by")),
        )
    else:
        # The contract's small tables, in the page's one query of them where it preloads them.
        kpi_list = list(kpis)
        contract_tables.attach_to_kpis(contract, kpi_list)
    shown = sight.shown(periods)
    compared = []
    if held_periods is not None:
        compared = travel.comparison_periods(shown, held_periods, sight)
    # By ids rather than the KPIs' query: that may hold a status filter, which is costly to
    # compile again, and the KPIs are in hand.
    readings = Reading.objects.judged(
        kpi_ids=[k.pk for k in kpi_list],
        period_ids=sorted({p.pk for p in [*shown, *compared]}),
        today=today or timezone.localdate(),
    )
    found = {(r.kpi_id, r.period_id): r for r in readings}
    rows = []
    for kpi in kpi_list:
        row = Row(kpi)
        for period in periods:
            if not kpi.in_force(period.end_date):
                # Outside the KPI's life span: said whoever reads, with any figure held then
                # (a life span set after the fact) shown where the reader sees the quarter.
                held = found.get((kpi.pk, period.pk)) if sight.shows(period) else None
                if held is not None:
                    held.kpi, held.period = kpi, period
                row.cells.append(Cell(kpi, period, held, Status.NOT_IN_FORCE))
                continue
            if not sight.shows(period):
                status = display.in_progress_status(period.return_state)
                row.cells.append(Cell(kpi, period, None, status))
                continue
            reading = found.get((kpi.pk, period.pk))
            suspension = next((s for s in kpi.suspensions.all() if s.covers(period)), None)
            if reading is not None:
                # Attach what is already loaded so that templates cause no further queries.
                reading.kpi = kpi
                reading.period = period
                status, would = reading.status, reading.would_have_been
            elif suspension is not None:
                status, would = Status.SUSPENDED, None
            else:
                status, would = display.NO_READING, None
            draft = sight.is_draft(period)
            row.cells.append(
                Cell(
                    kpi,
                    period,
                    reading,
                    status,
                    would,
                    suspension,
                    draft,
                    source=period.backfill_note,
                )
            )
        rows.append(row)
    if held_periods is not None:
        _add_travel(rows, travel.GridComparisons(held_periods, sight, found))
    return rows


def add_month_figures(cells: Iterable[Cell]) -> None:
    """Put the months held beneath each shown quarter of a monthly KPI on its cell
    (`Cell.month_figures`): one query for every cell, none where no such quarter is shown.

    Only cells that hold a reading are asked about, and a cell holds one only for a quarter the
    reader may see (`build_grid`), so a draft's months reach exactly those who see its quarter.
    """
    cells = list(cells)
    wanted = [
        c.reading.pk for c in cells if c.kpi.is_monthly and c.reading is not None and c.reading.pk
    ]
    figures: dict[int, list[MonthlyFigure]] = {}
    if wanted:
        held = MonthlyFigure.objects.filter(reading__in=wanted)
        for figure in held.order_by("reading_id", "month_end"):
            figures.setdefault(figure.reading_id, []).append(figure)
    for cell in cells:
        reading = cell.reading
        cell.month_figures = figures.get(reading.pk, []) if reading is not None else []


def _add_travel(rows: list[Row], comparisons: travel.GridComparisons) -> None:
    """Each cell the reader sees, compared with its previous quarter and a year before."""
    for row in rows:
        for cell in row.cells:
            if cell.is_hidden:
                continue
            now = travel.quarter_figure(
                cell.kpi,
                cell.period.end_date,
                cell.reading,
                cell.status,
                cell.rule,
                draft=cell.is_draft,
            )
            cell.travel_previous, cell.travel_year = comparisons.against(cell.kpi, now)
