"""The open-data publication of every reading, in the spirit of the Local Government
Transparency Code: one flat CSV, one row per KPI per quarter, with a header that never changes.

The header is a published interface (docs/api.md lists it): add columns only at the end, never
rename or reorder, so that the scripts and dashboards that read the file keep working.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kpis.models import QuarterlyReturn, Reading
from kpis.reads.exports import plain_number, safe_text

OPEN_DATA_HEADER = [
    "authority",
    "supplier",
    "contract_code",
    "contract_name",
    "service_area_code",
    "service_area_name",
    "kpi_reference",
    "kpi_description",
    "frequency",
    "unit",
    "direction",
    "financial_year",
    "quarter",
    "period_start",
    "period_end",
    "target",
    "target_strict",
    "detriment_threshold",
    "failure_threshold",
    "figure",
    "figure_unit",
    "not_measured_reason",
    "status",
    "would_have_been",
    "return_state",
    "commentary",
    "last_updated",
    "threshold_basis",
]


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
