"""The rows of a quarterly return page: every KPI of the contract, grouped by service area."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import prefetch_related_objects
from django.http import QueryDict

from contracts.models import ServiceArea
from kpis.choices import Direction, ThresholdBasis
from kpis.models import Kpi, QuarterlyReturn, Reading, Suspension, Unit, UnitKind
from kpis.pages.forms import SummaryError, error_summary
from kpis.pages.return_row_form import ReturnRowForm, figure_text
from kpis.permissions import NO_RETURN
from kpis.permissions.sight import Sight
from kpis.reads import contract_tables, display, together
from kpis.rules import rollup
from kpis.rules.status import Rule, Status
from kpis.rules.travel import label as quarter_label
from kpis.rules.travel import previous_due_end


def with_unit(value: Decimal | None, unit: Unit) -> str:
    if value is None:
        return ""
    return unit.write(figure_text(value), value)


def target_text(kpi: Kpi, rule: Rule) -> str:
    """The target in words, so that its direction is never left to be guessed."""
    target = rule.target
    if target is None or not kpi.direction:
        return "none: data only, the figure is shown and never judged"
    higher = kpi.direction == Direction.HIGHER
    if rule.strict:
        words = "more than" if higher else "less than"
    else:
        words = "at least" if higher else "at most"
    return f"{words} {with_unit(target, kpi.unit)}"


@dataclass(frozen=True)
class MonthLine:
    """One month of a monthly KPI as saved, judged by the rule in force for its quarter."""

    label: str
    text: str
    status: Status | None
    would_have_been: Status | None = None


def month_lines(
    kpi: Kpi, quarter_end: datetime.date, figures, rule: Rule, *, suspended: bool
) -> list[MonthLine]:
    """A quarter's three months as saved (`figures`, its `MonthlyFigure`s), each judged by the
    quarter's `rule`; a month not entered says so. None where no month was entered."""
    stored = {figure.month_end: figure for figure in figures}
    if not stored:
        return []
    lines = []
    for end in rollup.quarter_months(quarter_end):
        figure = stored.get(end)
        label = rollup.month_label(end)
        if figure is None:
            lines.append(MonthLine(label, "Not entered", None))
            continue
        if figure.value is not None:
            text = with_unit(figure.value, kpi.unit)
        else:
            text = f"Not measured: {figure.not_measured_reason}"
        if figure.numerator is not None:
            text += (
                f" ({figure_text(figure.numerator)} {kpi.numerator_label} of "
                f"{figure_text(figure.denominator)} {kpi.denominator_label})"
            )
        evaluation = figure.evaluate(rule, suspended=suspended)
        lines.append(MonthLine(label, text, evaluation.status, evaluation.would_have_been))
    return lines


@dataclass
class ReturnRow:
    kpi: Kpi
    reading: Reading
    due: bool
    suspension: Suspension | None
    form: ReturnRowForm | None = None
    conflict: Reading | None = None
    # The last quarter this KPI was due, and its reading there where this reader may see it:
    # the figure to type beside, so that a slip of a digit shows.
    last_end: datetime.date | None = None
    last: Reading | None = None

    @property
    def last_label(self) -> str:
        return quarter_label(self.last_end) if self.last_end else ""

    @property
    def last_figure(self) -> str:
        """The last quarter's figure in words: the figure, why there was none, or "none"."""
        last = self.last
        if last is None:
            return "no figure"
        if last.value is not None:
            return with_unit(last.value, last.figure_unit)
        if last.not_measured_reason:
            return f"not measured: {last.not_measured_reason}"
        return "no figure"

    @property
    def last_status(self) -> Status | None:
        last = self.last
        if last is None or (last.value is None and not last.not_measured_reason):
            return None
        # Annotated by `with_status` in the query that read it.
        return Status(getattr(last, "status"))  # noqa: B009

    @property
    def target(self) -> str:
        return target_text(self.kpi, self.reading.rule)

    @property
    def thresholds(self) -> str:
        rule, parts = self.reading.rule, []
        for name, value in (("detriment", rule.detriment), ("failure", rule.failure)):
            if value is None:
                continue
            if rule.basis == ThresholdBasis.ABSOLUTE:
                parts.append(f"{name} at {with_unit(value, self.kpi.unit)}")
            else:
                when = display.threshold(value, self.kpi.unit, self.kpi.direction, rule.basis)
                parts.append(f"{name} when {when}")
        return ", ".join(parts)

    @property
    def figure(self) -> str:
        return with_unit(self.reading.value, self.reading.figure_unit)

    @cached_property
    def months(self) -> list[MonthLine]:
        """The months beneath the quarter, as saved, each with its status (asked for several
        times a row: by the page's checks and by its template)."""
        reading = self.reading
        figures = reading.months.all() if reading.pk else []
        return month_lines(
            self.kpi,
            reading.period.end_date,
            figures,
            reading.rule,
            suspended=self.suspension is not None,
        )

    @property
    def rollup_text(self) -> str:
        return self.kpi.rollup_rule.label

    @property
    def entered_for_quarter(self) -> bool:
        """A monthly KPI whose quarter was entered alone (as published), with no months."""
        reading = self.reading
        has_months = bool(reading.pk) and bool(reading.months.all())
        answered = reading.value is not None or bool(reading.not_measured_reason)
        return self.kpi.is_monthly and not has_months and answered

    @property
    def months_left_blank(self) -> list[str]:
        """Months not entered where others were: the quarter would be rolled up from part of
        itself without saying why. Blocks submission."""
        if self.suspension is not None:
            return []
        return [line.label for line in self.months if line.status is None]

    @property
    def status(self) -> Status | None:
        """The stored status (computed by the database); none for a row not yet saved."""
        value = getattr(self.reading, "status", None)
        return Status(value) if value else None

    @property
    def would_have_been(self) -> Status | None:
        value = getattr(self.reading, "would_have_been", None)
        return Status(value) if value else None

    @property
    def unanswered(self) -> bool:
        """Due, not suspended, and neither a figure nor a reason: blocks submission."""
        reading = self.reading
        return (
            self.due
            and self.suspension is None
            and reading.value is None
            and not reading.not_measured_reason
        )

    @property
    def needs_commentary(self) -> bool:
        """A missed target with no explanation yet: blocks submission."""
        missed = {Status.BELOW_TARGET, Status.DETRIMENT, Status.FAILURE}
        return self.status in missed and not self.reading.commentary

    @property
    def not_in_force_reason(self) -> str:
        return self.kpi.not_in_force_reason(self.reading.period.end_date)

    @property
    def unit_label(self) -> str:
        unit = self.kpi.unit
        if unit.kind == UnitKind.PERCENT:
            return "%"
        return "pounds" if unit.kind == UnitKind.MONEY else unit.symbol

    @property
    def conflict_figure(self) -> str:
        if self.conflict is None:
            return ""
        return with_unit(self.conflict.value, self.kpi.unit)

    @property
    def conflict_target(self) -> str:
        if self.conflict is None or self.conflict.target_override is None:
            return ""
        return with_unit(self.conflict.target_override, self.kpi.unit)


@dataclass
class AreaGroup:
    """One service area's KPIs: a section of the return, with its line in the task list."""

    area: ServiceArea
    rows: list[ReturnRow] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"area-{self.area.pk}"

    @property
    def due_rows(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.due]

    @property
    def not_due_rows(self) -> list[ReturnRow]:
        """Shown folded away: entered only when a figure comes in out of turn."""
        return [row for row in self.rows if not row.due]

    @property
    def unanswered(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.unanswered]

    @property
    def to_do(self) -> int:
        """KPIs of the section that would stop the return being submitted, as saved."""
        return sum(
            1
            for row in self.rows
            if row.unanswered or row.needs_commentary or row.months_left_blank
        )

    @property
    def complete(self) -> bool:
        return not self.to_do

    @property
    def has_errors(self) -> bool:
        return any(row.form is not None and row.form.errors for row in self.rows)

    @property
    def not_due_open(self) -> bool:
        """The KPIs not due are unfolded where one of them needs the officer: an error, a
        change by someone else, a missed target to explain."""
        return any(
            (row.form is not None and row.form.errors)
            or row.conflict is not None
            or row.needs_commentary
            or row.months_left_blank
            for row in self.not_due_rows
        )


@dataclass
class ReturnPage:
    quarterly_return: QuarterlyReturn
    groups: list[AreaGroup]
    suspensions: list[Suspension]
    # KPIs outside their life span this quarter: shown apart, never offered for entry, with any
    # figure held from before the life span was set.
    not_in_force: list[ReturnRow] = field(default_factory=list)

    @property
    def rows(self) -> list[ReturnRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def forms(self) -> list[ReturnRowForm]:
        return [row.form for row in self.rows if row.form is not None]

    def row_for(self, kpi_id: int) -> ReturnRow | None:
        return next((row for row in self.rows if row.kpi.pk == kpi_id), None)

    def all_valid(self) -> bool:
        # Validate every form, not just up to the first bad one, so all errors are shown.
        results = [form.is_valid() for form in self.forms]
        return all(results)

    def error_summary(self) -> list[SummaryError]:
        return error_summary([(row.form, row.form.summary_label) for row in self.rows if row.form])

    @property
    def unanswered(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.unanswered]

    @property
    def needs_commentary(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.needs_commentary]

    @property
    def answered_count(self) -> int:
        return sum(1 for row in self.rows if row.due and not row.unanswered)

    @property
    def due_count(self) -> int:
        return sum(1 for row in self.rows if row.due)

    @property
    def months_left_blank(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.months_left_blank]

    @property
    def ready(self) -> bool:
        return not self.unanswered and not self.needs_commentary and not self.months_left_blank

    @property
    def conflicts(self) -> list[ReturnRow]:
        return [row for row in self.rows if row.conflict is not None]


def _readable(sight: Sight, held_period) -> bool:
    """Whether `sight` shows a quarter: one of the contract's held quarters, or None for one
    without a return (as `in_states_q` judges it)."""
    return NO_RETURN in sight.readable if held_period is None else sight.shows(held_period)


def build_page(
    quarterly_return: QuarterlyReturn,
    *,
    today: datetime.date,
    editable: bool,
    set_targets: bool,
    sight: Sight,
    data: QueryDict | None = None,
) -> ReturnPage:
    """Every KPI of the contract with its reading and months in four queries (the KPIs, their
    suspensions and changes of rule together, the readings, their months), due KPIs first in
    each area.

    The readings of the last quarter each KPI was due come in the same query, where `sight`
    shows that quarter to the reader: a draft stays hidden from those who may not see it.
    """
    contract, period = quarterly_return.contract, quarterly_return.period
    kpis = list(
        Kpi.objects.for_contract(contract).in_report_order().select_related("service_area", "unit")
    )
    # Their suspensions and changes of rule, and the contract's quarters with their returns'
    # states: the contract's small tables, in one query.
    together.preload(contract, (*contract_tables.GRID, contract_tables.PERIODS))
    contract_tables.attach_to_kpis(contract, kpis)
    held = {p.end_date: p for p in contract_tables.periods(contract)}
    last_ends = {kpi.pk: previous_due_end(period.end_date, kpi.frequency) for kpi in kpis}
    # By their quarters' last days, as a quarter without a return is not among those held.
    ends = sorted({period.end_date, *last_ends.values()})
    readings: dict[int, Reading] = {}
    last: dict[tuple[int, datetime.date], Reading] = {}
    for r in Reading.objects.judged(kpi_ids=list(last_ends), end_dates=ends, today=today):
        if r.period_id == period.pk:
            readings[r.kpi_id] = r
        elif _readable(sight, held.get(r.period_end)):
            if r.period_end in held:
                r.period = held[r.period_end]
            last[r.kpi_id, r.period_end] = r
    # The last quarters show their figures alone, never their months.
    prefetch_related_objects(list(readings.values()), "months")
    groups: dict[int, AreaGroup] = {}
    suspensions = []
    not_in_force = []
    for kpi in kpis:
        kpi.contract = contract
        reading = readings.get(kpi.pk) or Reading(kpi=kpi, period=period, unit_id=kpi.unit_id)
        reading.kpi, reading.period = kpi, period
        if not kpi.in_force(period.end_date):
            # As `with_status` would annotate it, for the row's `status`.
            setattr(reading, "status", Status.NOT_IN_FORCE)  # noqa: B010
            not_in_force.append(ReturnRow(kpi=kpi, reading=reading, due=False, suspension=None))
            continue
        suspension = next((s for s in kpi.suspensions.all() if s.covers(period)), None)
        if suspension:
            suspension.kpi = kpi
            suspensions.append(suspension)
        last_end = last_ends[kpi.pk]
        row = ReturnRow(
            kpi=kpi,
            reading=reading,
            due=kpi.is_due(period),
            suspension=suspension,
            last_end=last_end,
            last=last.get((kpi.pk, last_end)),
        )
        if row.last is not None:
            row.last.kpi = kpi
        if editable:
            row.form = ReturnRowForm(data, reading=reading, set_targets=set_targets)
        groups.setdefault(kpi.service_area_id, AreaGroup(kpi.service_area)).rows.append(row)
    for group in groups.values():
        # Stable sort: report order is kept within the due and the not-due KPIs.
        group.rows.sort(key=lambda row: not row.due)
    return ReturnPage(quarterly_return, list(groups.values()), suspensions, not_in_force)
