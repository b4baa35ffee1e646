"""The CSV exports that committee papers and open-data publication rely on.

Their headers are a stable interface: add columns only at the end, never rename. Like everything
that leaves the app, they hold approved quarters only.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from contracts.models import Contract
from kpis.models import Reading, ReportingPeriod
from kpis.reads.summary import summarise
from kpis.rules.numbers import plain_number

READINGS_HEADER = ["contract", "service_area", "kpi", "period_end", "target", "actual", "status"]
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
        .select_related("kpi__service_area", "period")
        .order_by(
            "kpi__service_area__position",
            "kpi__service_area__code",
            "kpi__position",
            "kpi_id",
            "period__end_date",
        )
    )
    for r in readings.iterator(chunk_size=2000):
        yield [
            safe_text(contract.code),
            safe_text(r.kpi.service_area.code),
            safe_text(r.kpi.reference),
            r.period.end_date.isoformat(),
            plain_number(r.rule_target),
            plain_number(r.value),
            r.status,
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
