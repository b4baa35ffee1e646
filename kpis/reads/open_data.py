"""The open-data publication of every reading, in the spirit of the Local Government
Transparency Code: one flat CSV, one row per KPI per quarter, with a header that never changes;
and beside it the months beneath monthly KPIs' quarters, one row per month.

The headers are a published interface (docs/api.md lists them, and the open data page gives
each column's meaning): add columns only at the end, never rename or reorder, so that the scripts
and dashboards that read the files keep working.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kpis.models import QuarterlyReturn, Reading
from kpis.reads.exports import judged_months, month_cells, plain_number, safe_text

# Each column of the readings file with its meaning, as the open data page prints them.
READINGS_DICTIONARY = [
    ("authority", "The council that let the contract."),
    ("supplier", "The company that delivers it."),
    ("contract_code", "The contract's short code, such as PSSP."),
    ("contract_name", "The contract's name."),
    ("service_area_code", "The code of the contract's service area the KPI belongs to."),
    ("service_area_name", "The service area's name."),
    ("kpi_reference", "The KPI's reference as the contract prints it, such as CS-K-002."),
    ("kpi_description", "What the KPI measures."),
    ("frequency", "How often it is collected: monthly, quarterly or annual."),
    ("unit", "The unit's code: percent, count, days, score, kg ... or a contract's own."),
    ("direction", "higher or lower (is better); empty for a data-only KPI, which has no target."),
    ("financial_year", "The financial year, April to March, such as 2018/19."),
    ("quarter", "The quarter of the financial year, 1 to 4 (April to June is 1)."),
    ("period_start", "The quarter's first day, YYYY-MM-DD."),
    ("period_end", "The quarter's last day, YYYY-MM-DD."),
    ("target", "The target in force that quarter: the quarter's own, or the KPI's."),
    ("target_strict", "yes where equalling the target is a miss ('< 5%'), no otherwise."),
    ("detriment_threshold", "The detriment threshold in force that quarter, if any."),
    ("failure_threshold", "The failure threshold in force that quarter, if any."),
    (
        "figure",
        "The quarter's figure as a plain decimal; for a monthly KPI whose months are held, "
        "rolled up from them (the months file holds them).",
    ),
    ("figure_unit", "The unit the figure was reported in."),
    ("not_measured_reason", "Why there is no figure, where there is none."),
    (
        "status",
        "As on the site, computed on the day of the download: met, below_target, detriment, "
        "failure, suspended, not_measured, not_due, missing, data_only (a figure with no target "
        "in force) or not_in_force (outside the KPI's life span).",
    ),
    ("would_have_been", "For a suspended KPI, the status it would have had; empty otherwise."),
    (
        "return_state",
        "Always approved: quarters still being drafted or awaiting approval are left out.",
    ),
    ("commentary", "Why a target was missed and what is being done."),
    ("last_updated", "When the reading last changed, ISO 8601 with its offset."),
    (
        "threshold_basis",
        "absolute: the thresholds are figures, reached inclusively; percent or points: they are "
        "tolerances, reached by missing the target by more than that % of it (or that many "
        "points).",
    ),
]
OPEN_DATA_HEADER = [name for name, _ in READINGS_DICTIONARY]


def open_data_readings(today: datetime.date) -> Iterable[Reading]:
    """Every reading of an approved quarter with what a row needs, in one query read in chunks."""
    return_state = QuarterlyReturn.objects.filter(
        contract=OuterRef("kpi__contract"), period=OuterRef("period")
    ).values("state")[:1]
    return (
        Reading.objects.public()
        .with_rule()
        .with_status(today)
        .annotate(return_state=Subquery(return_state))
        .select_related("kpi__contract", "kpi__service_area", "period")
        .order_by(
            "kpi__contract__authority",
            "kpi__contract__code",
            "kpi__service_area__position",
            "kpi__service_area__code",
            "kpi__position",
            "kpi_id",
            "period__end_date",
        )
        .iterator(chunk_size=2000)
    )


def open_data_rows(today: datetime.date | None = None) -> Iterator[list[str]]:
    today = today or timezone.localdate()
    for r in open_data_readings(today):
        kpi, contract, area, period = r.kpi, r.kpi.contract, r.kpi.service_area, r.period
        yield [
            safe_text(contract.authority),
            safe_text(contract.supplier),
            safe_text(contract.code),
            safe_text(contract.name),
            safe_text(area.code),
            safe_text(area.name),
            safe_text(kpi.reference),
            safe_text(kpi.description),
            kpi.frequency,
            kpi.unit_id,
            kpi.direction,
            f"{period.financial_year}/{(period.financial_year + 1) % 100:02d}",
            str(period.quarter),
            period.start_date.isoformat(),
            period.end_date.isoformat(),
            plain_number(r.rule_target),
            "yes" if r.rule_strict else "no",
            plain_number(r.rule_detriment),
            plain_number(r.rule_failure),
            plain_number(r.value),
            r.unit_id or kpi.unit_id,
            safe_text(r.not_measured_reason),
            r.status,
            r.would_have_been or "",
            r.return_state or "",
            safe_text(r.commentary),
            timezone.localtime(r.updated_at).isoformat(timespec="seconds"),
            r.rule_basis,
        ]


class _Echo:
    """A file-like object that hands back what is written, so csv can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """A published CSV line by line (CRLF, as RFC 4180 has it), for streaming."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def open_data_lines(today: datetime.date | None = None) -> Iterator[str]:
    return csv_lines(OPEN_DATA_HEADER, open_data_rows(today))


# Each column of the months file with its meaning, as the open data page prints them.
MONTHS_DICTIONARY = [
    ("contract_code", "The contract's code, as in the readings file."),
    ("kpi_reference", "The KPI's reference, as in the readings file."),
    (
        "period_end",
        "The last day of the quarter the month belongs to, YYYY-MM-DD: with the contract code "
        "and KPI reference it names the quarter's row in the readings file.",
    ),
    ("month_end", "The last day of the month, YYYY-MM-DD."),
    ("figure", "The month's figure as a plain decimal, in the KPI's unit; empty if none."),
    ("not_measured_reason", "Why the month has no figure, where it has none."),
    (
        "numerator",
        "Where the KPI collects each month as two parts, what was counted (the KPI's numerator "
        "label says what: 'calls answered'); the figure is worked out from the parts.",
    ),
    ("denominator", "What the numerator was counted out of ('calls offered')."),
    (
        "status",
        "The month judged by the same rules as a quarter, against the target and thresholds in "
        "force for its quarter: met, below_target, detriment, failure, not_measured or "
        "data_only (a figure with no target in force); suspended where its quarter is.",
    ),
    ("would_have_been", "For a month of a suspended quarter, the status it would have had."),
]
OPEN_DATA_MONTHS_HEADER = [name for name, _ in MONTHS_DICTIONARY]


def open_data_month_rows() -> Iterator[list[str]]:
    """Every month beneath an approved quarter of every contract: the same months, judged and
    ordered alike, as a contract's `export_months`, in the columns of the open data."""
    for month, evaluation in judged_months(Reading.objects.all()):
        reading = month.reading
        yield [
            safe_text(reading.kpi.contract.code),
            safe_text(reading.kpi.reference),
            reading.period.end_date.isoformat(),
            *month_cells(month),
            evaluation.status.value,
            evaluation.would_have_been.value if evaluation.would_have_been else "",
        ]


def open_data_month_lines() -> Iterator[str]:
    return csv_lines(OPEN_DATA_MONTHS_HEADER, open_data_month_rows())
