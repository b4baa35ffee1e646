"""Row-by-row preview of an import: each row's new figure beside the current one, the status it
would get, and every problem. Nothing here writes; `kpis.imports.write` does, through the return
services, once the preview has no problems.

A monthly KPI's months come as rows of their own, with Month filled in, beneath its quarter's row
(Month empty). The months are checked by `MonthlyFigure`'s own rules and rolled up by
`kpis.rules.rollup`, as the return page's are, so the preview shows the quarter's figure the write
will work out; the write hands the months to the same service as the return page.

What each cell says (a figure, a target, a month) is read by `kpis.imports.cells`; here it is
put together row by row and compared with what is held.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.imports.cells import (
    NO,
    YES,
    parse_day,
    parse_figure,
    parse_month,
    parse_part,
    parse_target,
)
from kpis.imports.parse import Cell, FileProblem, RawRow, read_rows
from kpis.imports.parse import cell_text as _text
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod
from kpis.models.months import quarter_from
from kpis.models.period import QUARTER_END_MESSAGE, backfill_note, is_quarter_end
from kpis.models.returns import BOTH_MESSAGE, REPORTED_AS_LENGTH
from kpis.permissions import Action, allowed, may_ever, refusal, state_of
from kpis.rules import rollup
from kpis.rules.status import Status
from kpis.writes import backfill, opening, saving, workflow

MONTH_MESSAGE = (
    "In 'Month', give the month as Apr 2024, April 2024 or its last day, 2024-04-30; leave it "
    "empty on the row of the quarter's figure."
)
# Where a month's problem is shown: the template's column for each field of `MonthlyFigure`.
MONTH_COLUMN = {
    "value": "Figure",
    "not_measured_reason": "Reason not measured",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "month_end": "Month",
}


@dataclass
class RowPreview:
    line: int
    reference: str
    kpi: Kpi | None = None
    current: Reading | None = None
    value: Decimal | None = None
    not_measured_reason: str = ""
    commentary: str = ""
    # The quarter's own target as it would be saved: the file's Target, where it changes the
    # target in force, else what is held.
    target_override: Decimal | None = None
    sets_target: bool = False
    file_target: Decimal | None = None
    # The figure's cell as written, recorded with a new figure; None leaves what is held.
    reported_as: str | None = None
    status: Status | None = None
    problems: list[str] = field(default_factory=list)
    # What must be done before the return is submitted; it does not stop the import.
    to_do: str = ""
    # Whether the row gives a figure or a reason (on a monthly KPI's quarter row, that is
    # refused beside months, which work the figure out).
    gives_figure: bool = False
    # A month's row: the last day of its month, its parts, and the month held now.
    month: datetime.date | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    held_month: MonthlyFigure | None = None
    # Where the KPI's months are in the file: the quarter's figure they roll up to (on its
    # month rows and its quarter row), and that quarter's status.
    quarter: rollup.Quarter | None = None
    quarter_status: Status | None = None

    @property
    def month_label(self) -> str:
        return rollup.month_label(self.month) if self.month else ""

    @property
    def entered_for_quarter(self) -> bool:
        """A monthly KPI's quarter figure given alone, with no months in the file or held (a
        quarter published without its months): said so, as the return page says it."""
        if self.kpi is None or not self.kpi.is_monthly or self.month or self.quarter:
            return False
        held = self.current.months.all() if self.current else []
        return self.value is not None and not held

    @property
    def before(self) -> tuple[Decimal | None, str]:
        """The figure and reason held now, for this row's month or quarter."""
        held = self.held_month if self.month else self.current
        return (held.value, held.not_measured_reason) if held else (None, "")

    @property
    def month_entry(self) -> saving.MonthEntry:
        assert self.month is not None
        parts = self.numerator is not None or self.denominator is not None
        return saving.MonthEntry(
            month_end=self.month,
            # A month given as parts has its figure and reason worked out from them again.
            value=None if parts else self.value,
            not_measured_reason="" if parts else self.not_measured_reason,
            numerator=self.numerator,
            denominator=self.denominator,
        )

    @property
    def changed(self) -> bool:
        if self.kpi is None:
            return False
        if self.month is not None:
            held = month_entry_of(self.held_month) if self.held_month else None
            return _entered_key(held) != _entered_key(self.month_entry)
        if self.current is None:
            return (
                self.value is not None
                or bool(self.not_measured_reason or self.commentary)
                or self.sets_target
            )
        return (
            self.current.value != self.value
            or self.current.not_measured_reason != self.not_measured_reason
            or self.current.commentary != self.commentary
            or self.current.target_override != self.target_override
        )


def month_entry_of(figure: MonthlyFigure) -> saving.MonthEntry:
    """A month held, as it would be entered again: its parts where it has them, else its figure
    or reason."""
    if figure.numerator is not None or figure.denominator is not None:
        return saving.MonthEntry(
            figure.month_end, numerator=figure.numerator, denominator=figure.denominator
        )
    return saving.MonthEntry(figure.month_end, figure.value, figure.not_measured_reason)


def _entered_key(month: saving.MonthEntry | None) -> tuple | None:
    """What was entered for a month, to compare the file's with what is held."""
    if month is None or not month.entered:
        return None
    if month.numerator is not None or month.denominator is not None:
        return ("parts", month.numerator, month.denominator)
    return ("figure", month.value, month.not_measured_reason.strip())


def kpi_entry(rows: list[RowPreview], version: int | None) -> saving.RowEntry:
    """One KPI's entry from its rows in the file: its quarter row (Month empty), if any, and its
    month rows, if any. Months held that the file does not name are kept as they are; with
    any month entered, the service works the quarter's figure out from the months."""
    kpi = rows[0].kpi
    assert kpi is not None
    current = rows[0].current
    quarter = next((row for row in rows if row.month is None), None)
    month_rows = [row for row in rows if row.month is not None]
    held = list(current.months.all()) if current else []
    months = None
    if month_rows:
        named = {row.month: row.month_entry for row in month_rows}
        kept = [month_entry_of(f) for f in held if f.month_end not in named]
        months = tuple(sorted([*named.values(), *kept], key=lambda m: m.month_end))
    entered = bool(months) and any(m.entered for m in months or ())
    if quarter is not None:
        value, reason = quarter.value, quarter.not_measured_reason
        commentary, target = quarter.commentary, quarter.target_override
        reported_as = quarter.reported_as
    else:
        # No quarter row: the quarter keeps its commentary and target; its figure follows the
        # months, or, where they are all cleared, is cleared with them.
        value = current.value if current and not held else None
        reason = current.not_measured_reason if current and not held else ""
        commentary = current.commentary if current else ""
        target = current.target_override if current else None
        reported_as = None
    if entered:
        value, reason, reported_as = None, "", None
    return saving.RowEntry(
        kpi_id=kpi.pk,
        version=version,
        value=value,
        not_measured_reason=reason,
        commentary=commentary,
        target_override=target,
        reported_as=reported_as,
        months=months,
    )


@dataclass(frozen=True)
class Backfill:
    """Where the figures of a past quarter back-filled as approved come from."""

    source: str
    page: str = ""


@dataclass
class Preview:
    contract: Contract
    end_date: datetime.date
    filename: str
    backfill: Backfill | None = None
    file_problems: list[str] = field(default_factory=list)
    rows: list[RowPreview] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.problems for row in self.rows)

    @property
    def problems(self) -> list[tuple[int | None, str]]:
        """Every problem, as (line or None for the whole file, message), in file order."""
        found: list[tuple[int | None, str]] = [(None, m) for m in self.file_problems]
        for row in self.rows:
            found.extend((row.line, m) for m in row.problems)
        return found

    @property
    def changed_rows(self) -> list[RowPreview]:
        return [row for row in self.rows if row.changed]

    @property
    def backfill_note(self) -> str:
        return backfill_note(self.backfill.source, self.backfill.page) if self.backfill else ""

    @property
    def sets_targets(self) -> bool:
        return any(row.sets_target for row in self.changed_rows)

    def entries(self, versions: dict[str, int | None]) -> list[saving.RowEntry]:
        """One entry per KPI with a row that changes what is held, at the version seen."""
        by_kpi: dict[int, list[RowPreview]] = {}
        for row in self.rows:
            if row.kpi is not None:
                by_kpi.setdefault(row.kpi.pk, []).append(row)
        return [
            kpi_entry(rows, versions.get(str(kpi_id)))
            for kpi_id, rows in by_kpi.items()
            if any(row.changed for row in rows)
        ]

    def versions(self) -> dict[str, int | None]:
        """The version of each reading the preview compared with, to detect later edits."""
        return {
            str(row.kpi.pk): row.current.version if row.current else None
            for row in self.changed_rows
            if row.kpi
        }


def build_preview(
    *,
    contract: Contract,
    end_date: datetime.date,
    user,
    content: bytes,
    filename: str,
    today: datetime.date,
    size: int | None = None,
    backfill_from: Backfill | None = None,
) -> Preview:
    preview = Preview(
        contract=contract, end_date=end_date, filename=filename, backfill=backfill_from
    )
    action = Action.BACKFILL if backfill_from else Action.EDIT
    if not may_ever(user, action, contract.pk):
        preview.file_problems.append(
            "Only a contract manager can back-fill a past quarter."
            if backfill_from
            else "You cannot enter figures for this contract."
        )
        return preview
    if not is_quarter_end(end_date):
        preview.file_problems.append(QUARTER_END_MESSAGE)
        return preview
    period = ReportingPeriod.objects.filter(end_date=end_date).first()
    quarterly_return = period and opening.return_for(contract_id=contract.pk, period_id=period.pk)
    if backfill_from:
        errors = backfill.source_errors(backfill_from.source, backfill_from.page)
        problem = backfill.quarter_problem(contract, end_date, today)
        preview.file_problems.extend([*errors.values(), *([problem] if problem else [])])
    if (quarterly_return or backfill_from) and (
        reason := refusal(user, action, quarterly_return or None, contract_id=contract.pk)
    ):
        preview.file_problems.append(reason)
    # A back-fill sets targets as it goes; an ordinary import only where the table lets the
    # user set the quarter's own targets (the return is a draft once the import opens it).
    may_set_targets = bool(backfill_from) or allowed(
        user,
        Action.SET_TARGETS,
        contract.pk,
        state_of(quarterly_return) if quarterly_return else ReturnState.DRAFT,
    )
    try:
        raw_rows = read_rows(content, filename, size)
    except FileProblem as problem:
        preview.file_problems.append(problem.message)
        return preview
    if period is None:
        # The quarter is not held yet: judge against an unsaved one; the write creates it.
        period = ReportingPeriod(end_date=end_date)
        period.fill_derived_fields()
    kpis = {
        k.reference.casefold(): k
        for k in Kpi.objects.for_contract(contract)
        .select_related("unit")
        .prefetch_related("suspensions", "rule_changes")
    }
    readings = (
        Reading.objects.for_contract(contract)
        .filter(period__end_date=end_date)
        .prefetch_related("months")
    )
    current = {r.kpi_id: r for r in readings}
    seen: dict[int, int] = {}
    for raw in raw_rows:
        row = _row_preview(raw, contract=contract, end_date=end_date, kpis=kpis, current=current)
        if row.kpi is not None:
            row.current = current.get(row.kpi.pk)
            if row.month is None:
                if row.kpi.pk in seen:
                    first = seen[row.kpi.pk]
                    row.problems.insert(
                        0, f"KPI {row.kpi.reference} is in the file twice: also on line {first}."
                    )
                seen.setdefault(row.kpi.pk, row.line)
                _set_target(row, end_date, may_set_targets)
        preview.rows.append(row)
    _months(preview.rows, period, today)
    for row in preview.rows:
        if row.kpi is not None:
            if row.changed and (outside := row.kpi.not_in_force_reason(end_date)):
                row.problems.append(f"{outside} {saving.NOT_IN_FORCE_MESSAGE}")
            if row.month is None:
                _judge(row, period, today, backfilled=bool(backfill_from))
    return preview


def _months(rows: list[RowPreview], period: ReportingPeriod, today: datetime.date) -> None:
    """Check each KPI's month rows together and put the quarter's figure they roll up to on
    them and on the KPI's quarter row."""
    quarter_rows: dict[int, RowPreview] = {}
    month_rows: dict[int, list[RowPreview]] = {}
    for row in rows:
        if row.kpi is None:
            continue
        if row.month is None:
            quarter_rows.setdefault(row.kpi.pk, row)
        else:
            month_rows.setdefault(row.kpi.pk, []).append(row)
    for kpi_id, quarter_row in quarter_rows.items():
        held = quarter_row.current
        if kpi_id in month_rows or held is None or not held.months.all():
            continue
        # Months are held and the file gives none: the quarter's figure stays theirs.
        if not quarter_row.gives_figure:
            quarter_row.value = held.value
            quarter_row.not_measured_reason = held.not_measured_reason
            quarter_row.reported_as = None
        elif (quarter_row.value, quarter_row.not_measured_reason) != (
            held.value,
            held.not_measured_reason,
        ):
            quarter_row.problems.append(
                "In 'Figure', this quarter's figure is worked out from its months: give the "
                "months on rows of their own, with Month filled in, or leave Figure as the "
                "template gives it (empty)."
            )
    for kpi_id, months in month_rows.items():
        _kpi_months(months, quarter_rows.get(kpi_id), period, today)


def _kpi_months(
    months: list[RowPreview],
    quarter_row: RowPreview | None,
    period: ReportingPeriod,
    today: datetime.date,
) -> None:
    kpi = months[0].kpi
    assert kpi is not None
    held = months[0].current
    # A reading as the quarter would be saved, to check the months against and roll them up.
    reading = Reading(
        kpi=kpi,
        period=period,
        unit_id=held.unit_id if held else kpi.unit_id,
        target_override=(
            quarter_row.target_override if quarter_row else held.target_override if held else None
        ),
        commentary=held.commentary if held else "",
    )
    held_months = {f.month_end: f for f in held.months.all()} if held else {}
    first: dict[datetime.date, int] = {}
    figures: list[MonthlyFigure] = []
    for row in months:
        if row.problems or row.month is None:
            continue
        if row.month in first:
            row.problems.append(
                f"In 'Month', {row.month_label} of KPI {kpi.reference} is in the file twice: "
                f"also on line {first[row.month]}."
            )
            continue
        first[row.month] = row.line
        row.held_month = held_months.get(row.month)
        entry = row.month_entry
        figure = MonthlyFigure(
            reading=reading,
            month_end=row.month,
            value=entry.value,
            not_measured_reason=entry.not_measured_reason,
            numerator=row.numerator,
            denominator=row.denominator,
        )
        for name, message in figure.problems().items():
            row.problems.append(f"In '{MONTH_COLUMN[name]}', {message[0].lower()}{message[1:]}")
        # Worked out from the parts, where given: shown as the month's figure.
        row.value, row.not_measured_reason = figure.value, figure.not_measured_reason
        if entry.entered and not row.problems:
            figures.append(figure)
            row.status = figure.evaluate(reading.rule, suspended=reading.is_suspended()).status
    if quarter_row is not None and figures and quarter_row.gives_figure:
        lines = ", ".join(str(row.line) for row in months)
        quarter_row.problems.append(
            f"In 'Figure', leave this row's figure and reason empty: KPI {kpi.reference}'s "
            f"months are in this file (line {lines}), and the quarter's figure is worked out "
            "from them."
        )
    if any(row.problems for row in months):
        return
    named = {row.month for row in months}
    figures += [f for end, f in held_months.items() if end not in named]
    if not figures:
        return
    quarter = quarter_from(reading, figures)
    reading.value, reading.not_measured_reason = quarter.value, quarter.not_measured_reason
    status = reading.evaluate(today).status
    for row in [*months, *([quarter_row] if quarter_row else [])]:
        row.quarter, row.quarter_status = quarter, status
    if quarter_row is not None and not quarter_row.problems:
        quarter_row.value = quarter.value
        quarter_row.not_measured_reason = quarter.not_measured_reason
        quarter_row.reported_as = None


def _row_preview(
    raw: RawRow,
    *,
    contract: Contract,
    end_date: datetime.date,
    kpis: dict[str, Kpi],
    current: dict[int, Reading],
) -> RowPreview:
    cells = raw.cells
    row = RowPreview(line=raw.line, reference=_text(cells["KPI reference"]))
    kpi = kpis.get(row.reference.casefold()) if row.reference else None
    # A target is in the KPI's unit; a figure in the unit this quarter's is held in, which is the
    # KPI's unless the source printed it in another (the seed's ICT KPIs 15 and 18).
    row.file_target, problem = parse_target(cells["Target"], kpi.unit if kpi else None)
    if problem:
        row.problems.append(problem)
    problems = row.problems
    named = _text(cells["Contract"])
    if named and named.casefold() != contract.code.casefold():
        problems.append(f"This row is for contract {named}, not {contract.code}.")
    quarter = _text(cells["Quarter end"])
    if quarter and parse_day(quarter) != end_date:
        problems.append(f"This row is for the quarter ending {quarter}, not {end_date:%-d %B %Y}.")
    if not row.reference:
        problems.append("Give the KPI reference, as in the template.")
    else:
        row.kpi = kpi
        if row.kpi is None:
            problems.append(f"{contract.code} has no KPI with the reference {row.reference!r}.")
    month_text = _text(cells["Month"])
    if month_text:
        return _month_row(row, cells, month_text, end_date)
    held = current.get(kpi.pk) if kpi else None
    if held is not None and not held.unit_matches:
        value, problem = parse_figure(cells["Figure"], held.unit, "this quarter's figure")
    else:
        value, problem = parse_figure(cells["Figure"], kpi.unit if kpi else None)
    if problem:
        problems.append(problem)
    row.value = value
    if value is not None and (held is None or held.value != value):
        # A new figure keeps the cell as the source printed it ("3,289 tonnes").
        row.reported_as = _text(cells["Figure"])[:REPORTED_AS_LENGTH]
    _read_not_measured(row, cells)
    row.commentary = _text(cells["Commentary"])
    for column in ("Numerator", "Denominator"):
        if _text(cells[column]):
            problems.append(
                f"In '{column}', give a month's parts on the month's own row, with Month filled "
                "in: a quarter's figure is worked out from its months."
            )
    return row


def _read_not_measured(row: RowPreview, cells: dict[str, Cell]) -> None:
    flag = _text(cells["Not measured"]).casefold()
    if flag not in YES | NO:
        row.problems.append("In 'Not measured', write yes, or leave it empty.")
    row.not_measured_reason = _text(cells["Reason not measured"])
    if flag in YES and not row.not_measured_reason:
        row.problems.append("Give the reason it was not measured, such as 'no survey'.")
    figure = _text(cells["Figure"])
    if (flag in YES or row.not_measured_reason) and figure:
        row.problems.append(BOTH_MESSAGE)
    row.gives_figure = bool(figure or flag in YES or row.not_measured_reason)


def _month_row(
    row: RowPreview, cells: dict[str, Cell], text: str, end_date: datetime.date
) -> RowPreview:
    """A row with Month filled in: one month of a monthly KPI, as a figure, a reason, or its
    numerator and denominator. Checked against the KPI's other months by `_kpi_months`."""
    problems = row.problems
    kpi = row.kpi
    row.month = parse_month(text)
    if row.month is None:
        problems.append(MONTH_MESSAGE)
    elif row.month not in (months := rollup.quarter_months(end_date)):
        listed = ", ".join(f"{end:%b %Y}" for end in months[:2]) + f" or {months[2]:%b %Y}"
        problems.append(
            f"In 'Month', {row.month_label} is not a month of the quarter ending "
            f"{end_date:%-d %B %Y}: give {listed}."
        )
    if kpi is not None and not kpi.is_monthly:
        problems.append(
            f"In 'Month', KPI {kpi.reference} is reported {kpi.get_frequency_display().lower()}, "
            "not monthly: leave Month empty and give the quarter's figure."
        )
    if row.file_target is not None:
        problems.append(
            "In 'Target', leave a month's row empty: the quarter's target is on the KPI's row "
            "with Month empty."
        )
    if _text(cells["Commentary"]):
        problems.append(
            "In 'Commentary', leave a month's row empty: explain the quarter on the KPI's row "
            "with Month empty."
        )
    value, problem = parse_figure(cells["Figure"], kpi.unit if kpi else None)
    if problem:
        problems.append(problem)
    row.value = value
    _read_not_measured(row, cells)
    for column in ("Numerator", "Denominator"):
        part, problem = parse_part(cells[column], column)
        if problem:
            problems.append(problem)
        setattr(row, column.lower(), part)
    if _text(cells["Numerator"]) or _text(cells["Denominator"]):
        if _text(cells["Figure"]):
            problems.append(
                "In 'Figure', leave it empty where the month's Numerator and Denominator are "
                "given: the month's figure is worked out from them."
            )
        elif row.gives_figure:
            problems.append(
                "In 'Reason not measured', leave it (and Not measured) empty where the month's "
                "Numerator and Denominator are given: a Denominator of 0 makes it not measured."
            )
    return row


def _set_target(row: RowPreview, end_date: datetime.date, may_set: bool) -> None:
    """The quarter's own target the row would save: a filled Target that differs from the target
    in force sets it (back to the default, where it names the default)."""
    assert row.kpi is not None
    held = row.current.target_override if row.current else None
    row.target_override = held
    if row.file_target is None:
        return
    in_force = row.kpi.rule_for(end_date, held).target
    if in_force is not None and row.file_target == in_force:
        return
    if not may_set:
        shown = format(in_force.normalize(), "f") if in_force is not None else "empty"
        row.problems.append(
            "Only a contract manager can change this quarter's target: leave Target as the "
            f"template gives it ({shown})."
        )
        return
    default = row.kpi.rule_for(end_date).target
    row.target_override = None if row.file_target == default else row.file_target
    row.sets_target = True


def _judge(
    row: RowPreview, period: ReportingPeriod, today: datetime.date, *, backfilled: bool
) -> None:
    """Apply the model's own rules to the row as it would be saved, and work out its status."""
    assert row.kpi is not None
    current = row.current
    reading = Reading(
        kpi=row.kpi,
        period=period,
        value=row.value,
        not_measured_reason=row.not_measured_reason,
        commentary=row.commentary,
        unit_id=current.unit_id if current else row.kpi.unit_id,
        target_override=row.target_override,
    )
    if not row.problems:
        try:
            reading.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                prefix = "Target: " if name == "target_override" else ""
                row.problems.extend(
                    f"{prefix}{m}" for m in messages if f"{prefix}{m}" not in row.problems
                )
    if row.problems:
        return
    row.status = reading.evaluate(today).status
    # As on the return page, a draft keeps a miss without its explanation: submitting asks for
    # it. History back-filled from a source is approved as the source printed it.
    if backfilled:
        return
    if row.changed and not row.commentary and workflow.misses_target(reading):
        row.to_do = f"To do before you submit: {workflow.COMMENTARY_MESSAGE[0].lower()}" + (
            f"{workflow.COMMENTARY_MESSAGE[1:]}."
        )
