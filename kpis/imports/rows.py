"""One row of a figures file as the preview reads it: what each of its cells says, put together
as the quarter's figure of a KPI or one of its months, and whether it changes what is held. Cells
are read by `kpis.imports.cells`; the KPI's months are checked together by
`kpis.imports.months`, and the rows judged and gathered into a preview by `kpis.imports.preview`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.models import Contract
from kpis.imports.cells import (
    NO,
    YES,
    parse_day,
    parse_figure,
    parse_month,
    parse_part,
    parse_target,
)
from kpis.imports.parse import Cell, RawRow
from kpis.imports.parse import cell_text as _text
from kpis.models import Kpi, MonthlyFigure, Reading
from kpis.models.returns import BOTH_MESSAGE, REPORTED_AS_LENGTH
from kpis.rules import rollup
from kpis.rules.status import Status
from kpis.writes import saving

MONTH_MESSAGE = (
    "In 'Month', give the month as Apr 2024, April 2024 or its last day, 2024-04-30; leave it "
    "empty on the row of the quarter's figure."
)


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


def read_row(
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
    numerator and denominator. Checked against the KPI's other months by `kpis.imports.months`."""
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
