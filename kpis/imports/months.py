"""A monthly KPI's month rows checked together: each month by `MonthlyFigure`'s own rules, none
given twice, and the quarter's figure they roll up to (by `kpis.rules.rollup`, as on the return
page) put on them and on the KPI's quarter row.
"""

from __future__ import annotations

import datetime

from kpis.imports.rows import RowPreview
from kpis.models import MonthlyFigure, Reading, ReportingPeriod
from kpis.models.months import quarter_from

# Where a month's problem is shown: the template's column for each field of `MonthlyFigure`.
MONTH_COLUMN = {
    "value": "Figure",
    "not_measured_reason": "Reason not measured",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "month_end": "Month",
}


def check_months(rows: list[RowPreview], period: ReportingPeriod, today: datetime.date) -> None:
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
