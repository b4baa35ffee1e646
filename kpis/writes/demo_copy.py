"""How the demo generator writes its readings and their months on PostgreSQL: streamed with COPY.

COPY is several times quicker than INSERT for rows by the hundred thousand, and it is what lets
the speed bench load a million readings in well under two minutes. It is PostgreSQL's alone, and
it writes the tables' columns itself rather than through the models: the ids come from the
readings' own sequence, the empty strings and NULLs are spelled out, and the writing runs in a
thread beside the making. Kept apart from `demo_data`, which makes the data and writes it through
the ORM everywhere else, so that each reads as one thing; `demo_data` hands its rows here on
PostgreSQL. The rows are `demo_rows.Row`, shared by both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection
from django.utils import timezone

from kpis.models import MonthlyFigure, Reading
from kpis.writes.demo_rows import Row, batches


def copy_all(rows: Iterator[Row], batch_size: int, count: int) -> tuple[int, int]:
    """Stream the rows with COPY while the next batch is made: making rows is Python's work and
    writing them is the server's, so on two cores the two overlap. Foreign keys are checked as
    each batch is written (rather than all at commit), so that the checks overlap too."""
    ids = iter(_reading_ids(count))
    raw = connection.connection  # the writer thread shares this transaction's connection
    readings = months = 0
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with ThreadPoolExecutor(max_workers=1) as writer:
        written: Future[None] | None = None
        for batch in batches(rows, batch_size):
            for row in batch:
                row.pk = next(ids)
            if written is not None:
                written.result()  # at most one batch in the writer's hands
            written = writer.submit(_copy_batch, raw, batch)
            readings += len(batch)
            months += sum(len(row.months) for row in batch)
        if written is not None:
            written.result()
    return readings, months


def _copy_batch(raw, batch: list[Row]) -> None:
    with raw.cursor() as cursor:
        _copy_readings(cursor, batch)
        _copy_months(cursor, batch)


def _reading_ids(count: int) -> list[int]:
    """`count` fresh ids from the readings' own sequence, as an INSERT would take them."""
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


COPY_COLUMNS = [
    "id",
    "kpi_id",
    "period_id",
    "value",
    "unit",
    "not_measured_reason",
    "target_override",
    "commentary",
    "reported_as",
    "updated_at",
    "version",
]


def _copy_readings(cursor, batch: list[Row]) -> None:
    """COPY is several times quicker than INSERT for rows by the hundred thousand."""
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for r in batch:
        writer.writerow(
            [
                r.pk,
                r.kpi_id,
                r.period_id,
                "" if r.value is None else r.value,
                r.unit_id,
                r.not_measured_reason,
                "" if r.target_override is None else r.target_override,
                r.commentary,
                r.reported_as,
                now,
                1,
            ]
        )
    buffer.seek(0)
    table = Reading._meta.db_table
    # An empty field is NULL to COPY: only the figures may be, the texts are empty strings.
    texts = "not_measured_reason, commentary, reported_as"
    cursor.copy_expert(
        f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN "
        f"WITH (FORMAT csv, FORCE_NOT_NULL ({texts}))",
        buffer,
    )


def _copy_months(cursor, batch: list[Row]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(
        (
            row.pk,
            m.month_end,
            "" if m.value is None else m.value,
            "" if m.numerator is None else m.numerator,
            "" if m.denominator is None else m.denominator,
            m.not_measured_reason,
        )
        for row in batch
        for m in row.months
    )
    buffer.seek(0)
    columns = "reading_id, month_end, value, numerator, denominator, not_measured_reason"
    cursor.copy_expert(
        f"COPY {MonthlyFigure._meta.db_table} ({columns}) FROM STDIN "
        "WITH (FORMAT csv, FORCE_NOT_NULL (not_measured_reason))",
        buffer,
    )
