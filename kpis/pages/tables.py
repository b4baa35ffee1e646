"""The KPI performance table (the report's Appendix B) as a django-tables2 table.

On screen each quarter is one cell holding figure, target and status; the downloads split it
into target, figure, status and note columns so that a spreadsheet can sort and count them.
With the months asked for, a monthly KPI's cell lists its months beneath the quarter, and the
downloads add the quarter's months as columns beside it (`MonthColumn`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html
from django_tables2.export import TableExport
from tablib import Dataset

from kpis.models import ReportingPeriod
from kpis.pages.returns_rows import month_lines
from kpis.reads import display
from kpis.reads.exports import entered_for_quarter, safe_text
from kpis.reads.grid import Cell, Row, add_month_figures
from kpis.reads.scorecard import Scorecard
from kpis.reads.summary import Counts
from kpis.reads.year import Year
from kpis.rules import rollup
from kpis.templatetags.kpi_display import quarter_cell

_CELL = {"class": "govuk-table__cell"}
_HEADER = {"class": "govuk-table__header"}
_NARROW_HIDE = {
    "th": {"class": "govuk-table__header app-narrow-hide", "scope": "col"},
    "td": {"class": "govuk-table__cell app-narrow-hide"},
}
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# The downloads' columns for the direction of travel, after each quarter's note (and months):
# the column's name after the quarter, and the cell's comparison it holds ("Improving since
# Jun-19").
TRAVEL_PARTS = {
    "direction since previous quarter": "travel_previous",
    "direction since a year before": "travel_year",
}


def add_months(cells: Iterable[Cell]) -> None:
    """Put each shown quarter's months, as saved and judged, on its cell (`months`, worded as
    the return page words them), and note a monthly KPI's quarter entered alone: one query for
    every cell, whatever their number."""
    cells = list(cells)
    add_month_figures(cells)
    for cell in cells:
        kpi, reading, found = cell.kpi, cell.reading, cell.month_figures
        cell.months = month_lines(
            kpi, cell.period.end_date, found, cell.rule, suspended=cell.suspension is not None
        )
        cell.entered_for_quarter = reading is not None and entered_for_quarter(reading, found)


class QuarterColumn(tables.Column):
    """One quarter's cell: figure, target and status, with the reason where there is no figure."""

    def __init__(self, index: int, period: ReportingPeriod, months: bool = False) -> None:
        self.index = index
        self.period = period
        self.months = months
        super().__init__(
            accessor="kpi",
            verbose_name=period.label,
            orderable=False,
            exclude_from_export=True,
            attrs={"th": {**_HEADER, "scope": "col"}, "td": _CELL},
        )

    def render(self, record: Row) -> str:
        cell = record.cells[self.index]
        if not self.months:
            return quarter_cell(cell)
        return quarter_cell(cell) + render_to_string("kpis/_cell_months.html", {"cell": cell})


class ExportColumn(tables.Column):
    """A plain-text part of one quarter's cell, for the downloads only."""

    def __init__(self, index: int, period: ReportingPeriod, part: str) -> None:
        self.index = index
        self.part = part
        super().__init__(
            accessor="kpi", verbose_name=f"{period.label} {part}", visible=False, orderable=False
        )

    def value(self, record: Row) -> str:
        cell = record.cells[self.index]
        if self.part in TRAVEL_PARTS:
            comparison = getattr(cell, TRAVEL_PARTS[self.part])
            return comparison.full_text if comparison is not None else ""
        return {
            "target": cell.target_text,
            "figure": cell.figure_text,
            "status": cell.status_label,
            "note": cell.note,
        }[self.part]


class RollupColumn(tables.Column):
    """How a monthly KPI's quarter was made, for the downloads with the months: its roll-up
    where months are held, "Entered for the quarter" where the quarter came alone."""

    def __init__(self, index: int, period: ReportingPeriod) -> None:
        self.index = index
        super().__init__(
            accessor="kpi", verbose_name=f"{period.label} roll-up", visible=False, orderable=False
        )

    def value(self, record: Row) -> str:
        cell = record.cells[self.index]
        if cell.month_figures:
            return cell.kpi.rollup_rule.label
        return "Entered for the quarter" if cell.entered_for_quarter else ""


class MonthColumn(tables.Column):
    """A part of one month beneath a quarter, for the downloads with the months.

    Columns beside the quarter's own, rather than rows beneath it: the download is laid out as
    the screen is, a KPI a row and its quarters across, so a month has a place of its own only
    as a column. A spreadsheet user sorting, filtering or counting the rows then still has one
    row per KPI (a month row would be counted as a KPI, and its quarter's columns would hold a
    month's figure under a quarter's heading), and each month's heading names it.
    """

    def __init__(self, index: int, month_end: datetime.date, part: str) -> None:
        self.index = index
        self.month_end = month_end
        self.part = part
        super().__init__(
            accessor="kpi",
            verbose_name=f"{rollup.month_label(month_end)} {part}",
            visible=False,
            orderable=False,
        )

    def value(self, record: Row) -> str:
        cell = record.cells[self.index]
        held = next((m for m in cell.held_months if m.month_end == self.month_end), None)
        if held is None:
            # A month left out where others of its quarter are held.
            return "Not entered" if cell.month_figures and self.part == "note" else ""
        return {"figure": held.figure_text, "status": held.status_label, "note": held.note}[
            self.part
        ]


class KpiTable(tables.Table):
    reference = tables.Column(
        accessor="kpi__reference",
        verbose_name="KPI",
        order_by="reference_key",
    )
    # On a phone these give way to the figures; the KPI's page holds them all.
    service_area = tables.Column(
        accessor="kpi__service_area__code",
        verbose_name="Service area",
        order_by="area_key",
        attrs=_NARROW_HIDE,
    )
    description = tables.Column(
        accessor="kpi__description", verbose_name="Description", attrs=_NARROW_HIDE
    )
    frequency = tables.Column(
        accessor="kpi__get_frequency_display", verbose_name="Frequency", attrs=_NARROW_HIDE
    )

    class Meta:
        attrs = {
            "class": (
                "govuk-table app-table--compact app-table--sticky-first app-table--sticky-last"
            ),
            "thead": {"class": "govuk-table__head"},
            "tbody": {"class": "govuk-table__body"},
            "th": {**_HEADER, "scope": "col"},
            "td": _CELL,
        }
        row_attrs = {"class": "govuk-table__row"}
        template_name = "kpis/_govuk_table.html"
        empty_text = "No KPIs match these filters."
        orderable = True

    def __init__(
        self,
        rows: list[Row],
        periods: Sequence[ReportingPeriod],
        with_thresholds: bool,
        months: bool = False,
        year: Year | None = None,
        **kwargs,
    ) -> None:
        """`months`: each monthly KPI's months shown beneath its quarters (read onto the cells
        by `add_months`), and downloaded beside them. `year`: the year to date, last, kept in
        view with the latest quarter beside it (`app-table--sticky-year`)."""
        extra: list[tuple[str, tables.Column]] = []
        if with_thresholds:
            for name in ("target", "detriment", "failure"):
                extra.append((name, ThresholdColumn(name)))
        for index, period in enumerate(periods):
            extra.append((f"q{index}", QuarterColumn(index, period, months)))
        for index, period in enumerate(periods):
            for part in ("target", "figure", "status", "note"):
                extra.append((f"q{index}_{part}", ExportColumn(index, period, part)))
            if months:
                extra += _month_columns(index, period)
            for part in TRAVEL_PARTS:
                extra.append((f"q{index}_{part}", ExportColumn(index, period, part)))
        if year is not None:
            extra.append(("year", YearColumn(year)))
            classes = self._meta.attrs["class"] + " app-table--sticky-year"
            kwargs["attrs"] = {**self._meta.attrs, "class": classes}
        super().__init__(rows, extra_columns=extra, **kwargs)
        self.year = year
        # The year to date by service area, shown beneath the table (`year_scorecard`).
        self.year_card: Scorecard | None = None
        self.with_thresholds = with_thresholds
        self.months = months

    @property
    def sorted_rows(self) -> list[Row]:
        """The rows in the order the reader chose, for the page's own loop over them."""
        return list(self.data)

    def render_reference(self, record: Row) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            record.kpi.get_absolute_url(),
            record.kpi.reference,
        )

    def value_reference(self, record: Row) -> str:
        return record.kpi.reference


def _month_columns(index: int, period: ReportingPeriod) -> list[tuple[str, tables.Column]]:
    """How the quarter was made, then each of its months' figure, status and note."""
    columns: list[tuple[str, tables.Column]] = [(f"q{index}_rollup", RollupColumn(index, period))]
    for place, end in enumerate(rollup.quarter_months(period.end_date), start=1):
        for part in ("figure", "status", "note"):
            columns.append((f"q{index}_m{place}_{part}", MonthColumn(index, end, part)))
    return columns


class YearColumn(tables.Column):
    """The KPI's financial year to date, last: met of measured, % met and every other status
    counted, over the year's approved quarters (`Row.year`). On screen only: the downloads
    hold each quarter's figures, from which a spreadsheet counts."""

    def __init__(self, year: Year) -> None:
        super().__init__(
            accessor="kpi",
            verbose_name=f"{year.label} to date",
            orderable=False,
            exclude_from_export=True,
            attrs={"th": {**_HEADER, "scope": "col"}, "td": _CELL},
        )

    def render(self, record: Row) -> str:
        return render_to_string("kpis/_year_cell.html", {"counts": record.year or Counts()})


class ThresholdColumn(tables.Column):
    def __init__(self, name: str) -> None:
        self.threshold = name
        super().__init__(accessor="kpi", verbose_name=name.title(), orderable=False)

    def render(self, record: Row) -> str:
        return self.value(record)

    def value(self, record: Row) -> str:
        kpi = record.kpi
        if self.threshold == "target":
            return display.target(kpi.target, kpi.unit, kpi.direction, kpi.target_strict)
        return display.threshold(
            getattr(kpi, self.threshold), kpi.unit, kpi.direction, kpi.threshold_basis
        )


class SafeTableExport(TableExport):
    """django-tables2's export with every text cell made safe to open in a spreadsheet."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None) -> Dataset:
        dataset = Dataset(**(dataset_kwargs or {}))
        for i, row in enumerate(table.as_values(exclude_columns=exclude_columns)):
            values = [_safe(v) for v in row]
            if i == 0:
                dataset.headers = values
            else:
                dataset.append(values)
        return dataset


def _safe(value) -> str:
    text = "" if value is None else str(value)
    # A plain negative number is a number, not a formula.
    if _PLAIN_NUMBER.match(text):
        return text
    return safe_text(text)
