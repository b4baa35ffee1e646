"""Row-by-row preview of a definitions import: each row is a new KPI, a change to a KPI held
(with the changes listed), unchanged, or a problem, with each message beside the column that
caused it. Nothing here writes; `write.py` does, once the preview has no problems.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects

from contracts.models import Contract, ServiceArea
from kpis.choices import (
    RULE_FIELDS,
    Direction,
    Frequency,
    ReturnState,
    Rollup,
    ThresholdBasis,
)
from kpis.imports.definitions import columns as c
from kpis.imports.definitions.limits import WEB, DefinitionLimits, too_many_rule_changes
from kpis.imports.parse import FileProblem, RawRow, cell_text, read_rows
from kpis.models import Kpi, Reading, Unit
from kpis.permissions import Action, may_ever
from kpis.rules.numbers import plain_number

# Compared, in this order, between a KPI held and its row; the service area by its code.
COMPARED = (
    "description",
    "service_area",
    "frequency",
    "unit",
    "direction",
    "target",
    "target_strict",
    "detriment",
    "failure",
    "threshold_basis",
    "notes",
    "measured_from",
    "retired_after",
    "rollup",
    "numerator_label",
    "denominator_label",
    "published",
)
LABELS = {**c.COLUMN_OF_FIELD, "service_area": "Service area"}
# Approved quarters were judged by these: changing one would rewrite them (as in the admin).
JUDGED_BY = ("frequency", "unit", "direction")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str

    @property
    def label(self) -> str:
        return LABELS[self.field]


@dataclass
class DefinitionRow:
    line: int
    reference: str
    held: Kpi | None = None
    # The KPI as the row would leave it (not saved), when the row has no problems.
    kpi: Kpi | None = None
    area_code: str = ""
    area_name: str = ""
    # The row's cells as typed, to show beside each problem.
    cells: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    # (column, message); the column is "" for the row as a whole.
    problems: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        if (column, message) not in self.problems:
            self.problems.append((column, message))

    @property
    def problems_shown(self) -> list[tuple[str, str, str]]:
        """(column, what the cell holds, message) for each problem."""
        return [(column, self.cells.get(column, ""), message) for column, message in self.problems]

    @property
    def kind(self) -> str:
        if self.problems:
            return "problem"
        if self.held is None:
            return "new"
        return "changed" if self.changes else "unchanged"

    @property
    def changes_rule(self) -> bool:
        return any(change.field in RULE_FIELDS for change in self.changes)

    @property
    def new_summary(self) -> list[str]:
        """A new KPI as the row defines it, phrase by phrase, so that the manager can check what
        the file says before importing: how often and in what it is measured, its target (or
        that it is data only), how a monthly KPI's months make its quarter, and its life span."""
        kpi = self.kpi
        if kpi is None:
            return []
        phrases = [f"{Frequency(kpi.frequency).label}, as {kpi.unit.label.lower()}"]
        if kpi.direction:
            phrases.append(Direction(kpi.direction).label.lower())
        if kpi.target is None:
            phrases.append("no target: data only")
        else:
            phrases.append(f"target {self.cells[c.TARGET]}")
        if kpi.is_monthly:
            quarter = f"quarter: {kpi.rollup_rule.label.lower()}"
            if kpi.has_parts:
                quarter += f" ({kpi.numerator_label} of {kpi.denominator_label})"
            phrases.append(quarter)
        if kpi.measured_from:
            phrases.append(f"measured from {kpi.measured_from:%b %Y}")
        if kpi.retired_after:
            phrases.append(f"retired after {kpi.retired_after:%b %Y}")
        phrases.append(f"in {self.area_code}")
        return phrases


@dataclass
class DefinitionsPreview:
    contract: Contract
    filename: str
    file_problems: list[str] = field(default_factory=list)
    rows: list[DefinitionRow] = field(default_factory=list)
    # KPIs held that the file leaves out: left as they are.
    absent: list[Kpi] = field(default_factory=list)
    # Service areas the file creates, by code, with their names.
    new_areas: dict[str, str] = field(default_factory=dict)
    # Whether the contract held any KPIs when the file was read; None before they are read.
    held_any: bool | None = None

    @property
    def ok(self) -> bool:
        return not self.file_problems and not any(row.problems for row in self.rows)

    @property
    def problems(self) -> list[tuple[int | None, str]]:
        """Every problem, as (line or None for the whole file, message), in file order."""
        found: list[tuple[int | None, str]] = [(None, m) for m in self.file_problems]
        for row in self.rows:
            found.extend(
                (row.line, f"{column}: {message}" if column else message)
                for column, message in row.problems
            )
        return found

    def of_kind(self, kind: str) -> list[DefinitionRow]:
        return [row for row in self.rows if row.kind == kind]

    @property
    def new_rows(self) -> list[DefinitionRow]:
        return self.of_kind("new")

    @property
    def changed_rows(self) -> list[DefinitionRow]:
        return self.of_kind("changed")

    @property
    def unchanged_rows(self) -> list[DefinitionRow]:
        return self.of_kind("unchanged")

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_rows or self.changed_rows)

    @property
    def needs_reason(self) -> bool:
        """A change to a KPI held says why; a first import of new KPIs need not."""
        return bool(self.changed_rows)

    @property
    def changes_rules(self) -> bool:
        return any(row.changes_rule for row in self.changed_rows)

    def signature(self) -> list[list[str]]:
        """What the import would do, to tell whether anything changed between preview and
        confirmation."""
        return [
            [row.reference, row.kind, *(f"{x.field}:{x.before}>{x.after}" for x in row.changes)]
            for row in self.rows
        ]


def shown(name: str, value: object) -> str:
    """A KPI's value as the preview and template write it (a unit by its label)."""
    if value is None or value == "":
        return ""
    if name == "unit":
        return value.label if isinstance(value, Unit) else str(value)
    if name in ("target_strict", "published"):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain_number(value)
    if name == "frequency":
        return Frequency(value).label
    if name == "direction":
        return Direction(value).label
    if isinstance(value, datetime.date):
        # The life span's quarters.
        return c.quarter_text(value)
    if name == "threshold_basis":
        return ThresholdBasis(value).label
    if name == "rollup":
        return Rollup(str(value)).label
    return str(value)


def build_preview(
    *,
    contract: Contract,
    user,
    content: bytes,
    filename: str,
    size: int | None = None,
    limits: DefinitionLimits = WEB,
) -> DefinitionsPreview:
    preview = DefinitionsPreview(contract=contract, filename=filename)
    if not may_ever(user, Action.DEFINE_KPIS, contract.pk):
        preview.file_problems.append("You cannot change this contract's KPIs.")
        return preview
    try:
        raw_rows = read_rows(content, filename, size, c.LAYOUT, limits)
    except FileProblem as problem:
        preview.file_problems.append(problem.message)
        return preview
    # The life span is checked against the contract's term, extensions included: read them once.
    prefetch_related_objects([contract], "extensions")
    held = {
        kpi.reference.casefold(): kpi
        for kpi in Kpi.objects.for_contract(contract)
        .in_report_order()
        .select_related("service_area", "unit")
    }
    preview.held_any = bool(held)
    context = _Context(
        contract=contract,
        areas={
            a.code.casefold(): a for a in ServiceArea.objects.filter(contract=contract).order_by()
        },
        units=c.unit_choices(contract),
        judged=set(
            Reading.objects.filter(
                kpi__contract=contract,
                period__returns__contract=contract,
                period__returns__state=ReturnState.APPROVED,
            )
            .order_by()
            .values_list("kpi_id", flat=True)
            .distinct()
        ),
        new_areas=preview.new_areas,
    )
    seen: dict[str, int] = {}
    for raw in raw_rows:
        row = _row(raw, held, context)
        key = row.reference.casefold()
        if key and key in seen:
            row.problem(
                c.REFERENCE, f"{row.reference} is in the file twice: also on line {seen[key]}."
            )
        seen.setdefault(key, row.line)
        preview.rows.append(row)
    preview.absent = [kpi for key, kpi in held.items() if key not in seen]
    rule_changes = sum(row.changes_rule for row in preview.changed_rows)
    if limits.max_rule_changes is not None and rule_changes > limits.max_rule_changes:
        preview.file_problems.append(too_many_rule_changes(rule_changes))
    return preview


@dataclass
class _Context:
    contract: Contract
    areas: dict[str, ServiceArea]
    units: list[Unit]
    judged: set[int]
    new_areas: dict[str, str]


def _row(raw: RawRow, held: dict[str, Kpi], context: _Context) -> DefinitionRow:
    cells = raw.cells
    row = DefinitionRow(line=raw.line, reference=cell_text(cells[c.REFERENCE]))
    row.cells = {column: cell_text(cells[column])[:80] for column in c.COLUMNS}
    if not row.reference:
        row.problem(c.REFERENCE, "Give the KPI's reference, as the contract prints it.")
    elif row.reference.casefold() in c.EXAMPLE_REFERENCES:
        row.problem(
            c.REFERENCE,
            "This is one of the template's examples: replace it with a KPI of the contract, "
            "or delete the row.",
        )
    row.held = held.get(row.reference.casefold()) if row.reference else None
    values: dict[str, object] = {
        "description": cell_text(cells[c.DESCRIPTION]),
        "notes": cell_text(cells[c.NOTES]),
        # Both or neither, checked by the model's own rule (`Kpi.clean`), beside each column.
        "numerator_label": cell_text(cells[c.NUMERATOR]),
        "denominator_label": cell_text(cells[c.DENOMINATOR]),
    }
    if not values["description"]:
        row.problem(c.DESCRIPTION, "Give the KPI's description.")
    for name, column, resolve in (
        ("frequency", c.FREQUENCY, c.resolve_frequency),
        ("unit", c.UNIT, lambda text: c.resolve_unit(text, context.units)),
        ("direction", c.DIRECTION, c.resolve_direction),
    ):
        text = cell_text(cells[column])
        if not text and name == "direction":
            # A data-only KPI has none; one with a target is asked for it (`Kpi.clean`).
            values[name] = ""
            continue
        if not text:
            row.problem(column, f"Give the KPI's {column.lower()}.")
            continue
        values[name], message = resolve(text)
        if message:
            row.problem(column, message)
    # Figures are read in the row's unit ("95%", "£250,000"); thresholds given as a % of the
    # target, as percentages.
    basis, basis_message = c.resolve_basis(cell_text(cells[c.BASIS]))
    unit = values.get("unit")
    assert unit is None or isinstance(unit, Unit)
    for name in ("target", "detriment", "failure"):
        column = c.COLUMN_OF_FIELD[name]
        tolerance = name != "target" and basis == ThresholdBasis.PERCENT
        values[name], message = c.parse_number(cells[column], unit, tolerance)
        if message:
            row.problem(column, message)
    values["target_strict"], message = c.parse_yes_no(cells[c.STRICT])
    if message:
        row.problem(c.STRICT, message)
    values["published"], message = c.parse_yes_no(cells[c.PUBLISHED])
    if message:
        row.problem(c.PUBLISHED, message)
    values["threshold_basis"] = basis
    if basis_message:
        row.problem(c.BASIS, basis_message)
    for name in ("measured_from", "retired_after"):
        column = c.COLUMN_OF_FIELD[name]
        values[name], message = c.parse_quarter(cells[column])
        if message:
            row.problem(column, message)
    values["rollup"], message = c.resolve_rollup(cell_text(cells[c.ROLLUP]))
    if message:
        row.problem(c.ROLLUP, message)
    area = _area(row, cells, context)
    if row.problems:
        return row
    assert area is not None
    row.kpi = _candidate(row, values, area, context.contract)
    _check(row)
    if row.held is not None and not row.problems:
        row.changes = _changes(row.held, row.kpi, row.area_code)
        for change in row.changes:
            if change.field in JUDGED_BY and row.held.pk in context.judged:
                row.problem(
                    LABELS[change.field],
                    f"Approved quarters were judged with this {change.label.lower()} "
                    f"({change.before}): keep it, or give the KPI a new reference.",
                )
    return row


def _area(row: DefinitionRow, cells: dict, context: _Context) -> ServiceArea | None:
    """The row's service area: one held, or one the file creates (unsaved, by its code)."""
    row.area_code = cell_text(cells[c.AREA_CODE])
    row.area_name = cell_text(cells[c.AREA_NAME])
    if not row.area_code:
        row.problem(c.AREA_CODE, "Give the service area's code, such as CS.")
        return None
    key = row.area_code.casefold()
    area = context.areas.get(key)
    if area is not None:
        if row.area_name and row.area_name.casefold() != area.name.casefold():
            row.problem(
                c.AREA_NAME,
                f"Service area {area.code} is called {area.name!r} in the contract, not "
                f"{row.area_name!r}: use that name, or another code for a new area.",
            )
        return area
    earlier = next((n for code, n in context.new_areas.items() if code.casefold() == key), None)
    if earlier is not None:
        if row.area_name and row.area_name.casefold() != earlier.casefold():
            row.problem(
                c.AREA_NAME,
                f"Service area {row.area_code} is called {earlier!r} on an earlier line, not "
                f"{row.area_name!r}.",
            )
        return ServiceArea(contract=context.contract, code=row.area_code, name=earlier)
    if not row.area_name:
        row.problem(c.AREA_NAME, f"{row.area_code} is a new service area: give its name.")
        return None
    area = ServiceArea(contract=context.contract, code=row.area_code, name=row.area_name)
    try:
        area.full_clean(exclude=["contract"], validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                row.problem(c.AREA_NAME if name == "name" else c.AREA_CODE, message)
        return None
    context.new_areas[row.area_code] = row.area_name
    return area


def _candidate(row: DefinitionRow, values: dict, area, contract: Contract) -> Kpi:
    kpi = copy.copy(row.held) if row.held else Kpi(contract=contract, reference=row.reference)
    # The contract in hand (its extensions read once), for the life span's check of its term.
    kpi.contract = contract
    for name, value in values.items():
        setattr(kpi, name, value)
    if area.pk:
        kpi.service_area = area
    else:
        # An area the import creates: linked when it is saved.
        kpi.service_area_id = None
    return kpi


def _check(row: DefinitionRow) -> None:
    """The model's own rules, field by field and across fields (`Kpi.clean`: figures in the
    unit, thresholds in order for the direction, as the database's constraint has them)."""
    kpi = row.kpi
    assert kpi is not None
    try:
        # The unit and area came from the contract's own lists: no need to look them up again.
        kpi.clean_fields(exclude=["contract", "service_area", "unit", "position"])
    except ValidationError as error:
        _add(row, error)
    try:
        kpi.clean()
    except ValidationError as error:
        _add(row, error)


def _add(row: DefinitionRow, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        for message in messages:
            row.problem(c.COLUMN_OF_FIELD.get(name, ""), message)


def _changes(held: Kpi, kpi: Kpi, area_code: str) -> list[Change]:
    changes = []
    for name in COMPARED:
        if name == "service_area":
            before, after = held.service_area.code, area_code
            if before.casefold() == after.casefold():
                continue
        else:
            before, after = shown(name, getattr(held, name)), shown(name, getattr(kpi, name))
            if before == after:
                continue
        changes.append(Change(field=name, before=before, after=after))
    return changes
