"""Row-by-row preview of an import: each row's new figure beside the current one, the status it
would get, and every problem. Nothing here writes; `kpis.imports.write` does, through the return
services, once the preview has no problems.

A monthly KPI's months come as rows of their own, with Month filled in, beneath its quarter's row
(Month empty). The months are checked by `MonthlyFigure`'s own rules and rolled up by
`kpis.rules.rollup`, as the return page's are, so the preview shows the quarter's figure the write
will work out; the write hands the months to the same service as the return page.

What each cell says is read by `kpis.imports.cells`, each row put together by
`kpis.imports.rows` and a KPI's months checked together by `kpis.imports.months`; here the rows
are judged as they would be saved and gathered into the one preview the page and the write use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.imports.months import check_months
from kpis.imports.parse import FileProblem, read_rows
from kpis.imports.rows import RowPreview, month_entry_of, read_row
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.models.period import QUARTER_END_MESSAGE, backfill_note, is_quarter_end
from kpis.permissions import Action, allowed, may_ever, refusal, state_of
from kpis.writes import backfill, opening, saving, workflow


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
    def changed_kpis(self) -> int:
        """KPIs whose figures the import changes: a monthly KPI's quarter and months are one,
        as the message after the import counts the readings changed."""
        return len({row.kpi.pk for row in self.changed_rows if row.kpi is not None})

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
        row = read_row(raw, contract=contract, end_date=end_date, kpis=kpis, current=current)
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
    check_months(preview.rows, period, today)
    for row in preview.rows:
        if row.kpi is not None:
            if row.changed and (outside := row.kpi.not_in_force_reason(end_date)):
                row.problems.append(f"{outside} {saving.NOT_IN_FORCE_MESSAGE}")
            if row.month is None:
                _judge(row, period, today, backfilled=bool(backfill_from))
    return preview


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
