"""Row-by-row preview of an import: each row's new figure beside the current one, the status it
would get, and every problem. Nothing here writes; `kpis.imports.write` does, through the return
services, once the preview has no problems.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.imports.parse import Cell, FileProblem, RawRow, read_rows
from kpis.imports.parse import cell_text as _text
from kpis.models import Kpi, Reading, ReportingPeriod, Unit
from kpis.models.period import QUARTER_END_MESSAGE, backfill_note, is_quarter_end
from kpis.models.returns import BOTH_MESSAGE, REPORTED_AS_LENGTH
from kpis.models.unit import read_printed
from kpis.permissions import Action, allowed, may_ever, refusal, state_of
from kpis.rules.numbers import NotANumber
from kpis.rules.status import Status
from kpis.writes import backfill
from kpis.writes import returns as return_writes

YES = {"yes", "y", "true", "x", "1"}
NO = {"", "no", "n", "false", "0"}
# The database keeps 12 digits, 4 of them after the point.
MAX_PLACES = 4
MAX_WHOLE = Decimal(10) ** 8


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

    @property
    def changed(self) -> bool:
        if self.kpi is None:
            return False
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

    def entry(self, version: int | None) -> return_writes.RowEntry:
        assert self.kpi is not None
        return return_writes.RowEntry(
            kpi_id=self.kpi.pk,
            version=version,
            value=self.value,
            not_measured_reason=self.not_measured_reason,
            commentary=self.commentary,
            target_override=self.target_override,
            reported_as=self.reported_as,
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
    quarterly_return = period and return_writes.return_for(
        contract_id=contract.pk, period_id=period.pk
    )
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
    readings = Reading.objects.for_contract(contract).filter(period__end_date=end_date)
    current = {r.kpi_id: r for r in readings}
    seen: dict[int, int] = {}
    for raw in raw_rows:
        row = _row_preview(raw, contract=contract, end_date=end_date, kpis=kpis, current=current)
        if row.kpi is not None:
            if row.kpi.pk in seen:
                first = seen[row.kpi.pk]
                row.problems.insert(
                    0, f"KPI {row.kpi.reference} is in the file twice: also on line {first}."
                )
            seen.setdefault(row.kpi.pk, row.line)
            row.current = current.get(row.kpi.pk)
            _set_target(row, end_date, may_set_targets)
            if row.changed and (outside := row.kpi.not_in_force_reason(end_date)):
                row.problems.append(f"{outside} {return_writes.NOT_IN_FORCE_MESSAGE}")
            _judge(row, period, today, backfilled=bool(backfill_from))
        preview.rows.append(row)
    return preview


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
    row.file_target, problem = _parse_target(cells["Target"], kpi.unit if kpi else None)
    if problem:
        row.problems.append(problem)
    problems = row.problems
    named = _text(cells["Contract"])
    if named and named.casefold() != contract.code.casefold():
        problems.append(f"This row is for contract {named}, not {contract.code}.")
    quarter = _text(cells["Quarter end"])
    if quarter and _parse_day(quarter) != end_date:
        problems.append(f"This row is for the quarter ending {quarter}, not {end_date:%-d %B %Y}.")
    if not row.reference:
        problems.append("Give the KPI reference, as in the template.")
    else:
        row.kpi = kpi
        if row.kpi is None:
            problems.append(f"{contract.code} has no KPI with the reference {row.reference!r}.")
    held = current.get(kpi.pk) if kpi else None
    if held is not None and not held.unit_matches:
        value, problem = _parse_figure(cells["Figure"], held.unit, "this quarter's figure")
    else:
        value, problem = _parse_figure(cells["Figure"], kpi.unit if kpi else None)
    if problem:
        problems.append(problem)
    row.value = value
    if value is not None and (held is None or held.value != value):
        # A new figure keeps the cell as the source printed it ("3,289 tonnes").
        row.reported_as = _text(cells["Figure"])[:REPORTED_AS_LENGTH]
    flag = _text(cells["Not measured"]).casefold()
    if flag not in YES | NO:
        problems.append("In 'Not measured', write yes, or leave it empty.")
    row.not_measured_reason = _text(cells["Reason not measured"])
    row.commentary = _text(cells["Commentary"])
    if flag in YES and not row.not_measured_reason:
        problems.append("Give the reason it was not measured, such as 'no survey'.")
    if (flag in YES or row.not_measured_reason) and _text(cells["Figure"]):
        problems.append(BOTH_MESSAGE)
    return row


def _parse_day(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _parse_figure(
    cell: Cell, unit: Unit | None, whose: str = "the KPI"
) -> tuple[Decimal | None, str]:
    """A figure as documents print it (1,150; 3,289 tonnes; £1,200; 95%), in `unit` where the
    row's KPI is known: `Unit.read_figure`, as every typed figure is read."""
    if isinstance(cell, Decimal):
        value = cell
    else:
        text = _text(cell)
        if not text:
            return None, ""
        try:
            value = unit.read_figure(text, whose) if unit else read_printed(text, None)
        except NotANumber as problem:
            advice = (
                " Give the figure alone, such as 95.5, or leave it empty and give the reason it "
                "was not measured."
            )
            return None, problem.message + (advice if problem.message.endswith("a number.") else "")
    if not value.is_finite():
        return None, "The figure is not a number."
    if abs(value) >= MAX_WHOLE:
        return None, "The figure is too large."
    if value != value.quantize(Decimal(1).scaleb(-MAX_PLACES), rounding="ROUND_DOWN"):
        return None, f"Give the figure to at most {MAX_PLACES} decimal places."
    return value, ""


# The template writes a strict target as "< 5"; strictness is the KPI's, so the sign is read past.
_COMPARISON = re.compile(r"^(<=|>=|[<>≤≥])\s*")


def _parse_target(cell: Cell, unit: Unit | None) -> tuple[Decimal | None, str]:
    if isinstance(cell, Decimal):
        return _parse_figure(cell, None)
    text = _COMPARISON.sub("", _text(cell))
    value, problem = _parse_figure(text, unit)
    if problem:
        return None, (
            f"In 'Target', give the quarter's target as a number, such as 90, or leave it as "
            f"the template gives it: {problem[0].lower()}{problem[1:]}"
        )
    return value, ""


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
    if row.changed and not row.commentary and return_writes.misses_target(reading):
        row.to_do = f"To do before you submit: {return_writes.COMMENTARY_MESSAGE[0].lower()}" + (
            f"{return_writes.COMMENTARY_MESSAGE[1:]}."
        )
