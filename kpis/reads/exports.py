"""The CSV exports that committee papers and open-data publication rely on.

Their headers are a stable interface: add columns only at the end, never rename. Like everything
that leaves the app, they hold approved quarters only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from contracts.models import Contract
from kpis.models import MonthlyFigure, Reading, ReportingPeriod
from kpis.reads.summary import summarise
from kpis.reads.travel import approved_travel
from kpis.rules.numbers import plain_number

READINGS_HEADER = [
    "contract",
    "service_area",
    "kpi",
    "period_end",
    "target",
    "actual",
    "status",
    # The direction of travel since the previous quarter and the same quarter a year before
    # (`kpis.rules.travel`): improving, worsening, no_change or not_comparable, and its note.
    "travel_previous",
    "travel_previous_note",
    "travel_year",
    "travel_year_note",
]
SUMMARY_HEADER = [
    "contract",
    "service_area",
    "period_end",
    "measured",
    "met",
    "below_target",
    "detriment",
    "failure",
    "suspended",
    "not_measured",
    "missing",
    "data_only",
]

# The months beneath monthly KPIs' quarters: a file of its own, so that the readings' header
# stays as it was. Each month's status is judged against the rule in force for its quarter.
MONTHS_HEADER = [
    "contract",
    "service_area",
    "kpi",
    "period_end",
    "month_end",
    "actual",
    "not_measured_reason",
    "numerator",
    "denominator",
    "status",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Stop a spreadsheet from reading text as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def reading_rows(contract: Contract, today: datetime.date | None = None) -> Iterator[list[str]]:
    readings = (
        Reading.objects.for_contract(contract)
        .public()
        .with_rule()
        .with_status(today)
        .select_related("kpi__service_area", "kpi__unit", "unit", "period")
        .order_by(
            "kpi__service_area__position",
            "kpi__service_area__code",
            "kpi__position",
            "kpi_id",
            "period__end_date",
        )
    )
    # Each KPI's readings come oldest first, so the quarters a reading is compared with have
    # been read before it: kept for the KPI in hand only.
    earlier: dict[tuple[int, datetime.date], Reading] = {}
    in_hand = None
    for r in readings.iterator(chunk_size=2000):
        if r.kpi_id != in_hand:
            earlier, in_hand = {}, r.kpi_id
        previous, year = approved_travel(r, earlier)
        earlier[(r.kpi_id, r.period.end_date)] = r
        yield [
            safe_text(contract.code),
            safe_text(r.kpi.service_area.code),
            safe_text(r.kpi.reference),
            r.period.end_date.isoformat(),
            plain_number(r.rule_target),
            plain_number(r.value),
            r.status,
            previous.travel.value,
            safe_text(previous.note),
            year.travel.value,
            safe_text(year.note),
        ]


def summary_rows(contract: Contract, today: datetime.date | None = None) -> Iterator[list[str]]:
    periods = list(ReportingPeriod.objects.filter(readings__kpi__contract=contract).distinct())
    areas = list(contract.service_areas.all())
    counts = summarise(Reading.objects.for_contract(contract).public(), periods, today)
    for area in areas:
        for period in periods:
            c = counts.get((area.pk, period.pk))
            if c is None:
                continue
            yield [
                safe_text(contract.code),
                safe_text(area.code),
                period.end_date.isoformat(),
                *(str(getattr(c, name)) for name in SUMMARY_HEADER[3:]),
            ]


def month_rows(contract: Contract) -> Iterator[list[str]]:
    """Every month held beneath an approved quarter of the contract, in report order: a fixed
    number of queries whatever their number."""
    months = (
        MonthlyFigure.objects.filter(
            reading__in=Reading.objects.for_contract(contract).public().values("pk")
        )
        .select_related("reading__kpi__service_area", "reading__kpi__unit", "reading__period")
        .prefetch_related("reading__kpi__suspensions", "reading__kpi__rule_changes")
        .order_by(
            "reading__kpi__service_area__position",
            "reading__kpi__service_area__code",
            "reading__kpi__position",
            "reading__kpi_id",
            "month_end",
        )
    )
    for month in months:
        reading = month.reading
        kpi = reading.kpi
        status = month.evaluate(reading.rule, suspended=reading.is_suspended()).status
        yield [
            safe_text(contract.code),
            safe_text(kpi.service_area.code),
            safe_text(kpi.reference),
            reading.period.end_date.isoformat(),
            month.month_end.isoformat(),
            plain_number(month.value),
            safe_text(month.not_measured_reason),
            plain_number(month.numerator),
            plain_number(month.denominator),
            status.value,
        ]
