"""The CSV exports that committee papers and open-data publication rely on.

Their headers are a stable interface: add columns only at the end, never rename. Like everything
that leaves the app, they hold approved quarters only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from contracts.models import Contract
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod
from kpis.models.returns import ReadingQuerySet
from kpis.reads.summary import summarise
from kpis.reads.travel import approved_travel
from kpis.rules.numbers import plain_number
from kpis.rules.status import Evaluation

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


def judged_months(readings: ReadingQuerySet) -> Iterator[tuple[MonthlyFigure, Evaluation]]:
    """Every month held beneath the approved quarters among `readings`, each judged
    (`judge_month`), in report order: contract, service area, KPI, month.

    The open data and the contract's export read the months through here, so that both judge
    and order them alike. The months are streamed in chunks; their KPIs, with the suspensions and
    rule changes that judge them, are read once beforehand: four queries whatever their number.
    """
    months = MonthlyFigure.objects.filter(reading__in=readings.public().values("pk"))
    kpis = (
        Kpi.objects.filter(pk__in=months.values("reading__kpi"))
        .select_related("contract", "service_area")
        .prefetch_related("suspensions", "rule_changes")
        .in_bulk()
    )
    ordered = months.select_related("reading__period").order_by(
        "reading__kpi__contract__authority",
        "reading__kpi__contract__code",
        "reading__kpi__service_area__position",
        "reading__kpi__service_area__code",
        "reading__kpi__position",
        "reading__kpi_id",
        "month_end",
    )
    for month in ordered.iterator(chunk_size=2000):
        reading = month.reading
        # A KPI made after `kpis` was read (a race of milliseconds) is fetched on its own.
        if reading.kpi_id in kpis:
            reading.kpi = kpis[reading.kpi_id]
        yield month, judge_month(month)


def judge_month(month: MonthlyFigure) -> Evaluation:
    """The month judged against the rule in force for its quarter, and suspended with its
    quarter (then with the status it would have had). Its reading's KPI should come with its
    `suspensions` and `rule_changes` prefetched."""
    reading = month.reading
    return month.evaluate(reading.rule, suspended=reading.is_suspended())


def entered_for_quarter(reading: Reading, months: Sequence[MonthlyFigure]) -> bool:
    """A monthly KPI's quarter answered (a figure or a reason) with no month held beneath it:
    entered for the quarter alone, as quarters were before their months were collected."""
    answered = reading.value is not None or bool(reading.not_measured_reason)
    return reading.kpi.is_monthly and answered and not months


def month_cells(month: MonthlyFigure) -> list[str]:
    """The month as files write it: its last day, figure, reason, numerator and denominator."""
    return [
        month.month_end.isoformat(),
        plain_number(month.value),
        safe_text(month.not_measured_reason),
        plain_number(month.numerator),
        plain_number(month.denominator),
    ]


def month_rows(contract: Contract) -> Iterator[list[str]]:
    """Every month held beneath an approved quarter of the contract, in report order: a fixed
    number of queries whatever their number."""
    for month, evaluation in judged_months(Reading.objects.for_contract(contract)):
        reading = month.reading
        yield [
            safe_text(contract.code),
            safe_text(reading.kpi.service_area.code),
            safe_text(reading.kpi.reference),
            reading.period.end_date.isoformat(),
            *month_cells(month),
            evaluation.status.value,
        ]
