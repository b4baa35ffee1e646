"""A reading as the demo generator makes it, and the batches it is written in.

The generator makes readings in `demo_data` and writes them one of two ways: through the ORM
there, or with PostgreSQL's COPY in `demo_copy`. Both take the same rows in the same batches, so
the row and the batching live here, below both, rather than in either: the COPY path can then
stand apart from the generator without the two importing one another.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from kpis.models import Reading
from kpis.rules import rollup


@dataclass(slots=True)
class Row:
    """One reading as made, with the months beneath it, until it is written: lighter than a
    model instance, which takes longer to make than COPY takes to write the row."""

    kpi_id: int
    period_id: int
    unit_id: str
    value: Decimal | None = None
    not_measured_reason: str = ""
    target_override: Decimal | None = None
    commentary: str = ""
    reported_as: str = ""
    months: list[rollup.Month] = field(default_factory=list)
    pk: int | None = None

    def as_reading(self) -> Reading:
        return Reading(
            kpi_id=self.kpi_id,
            period_id=self.period_id,
            unit_id=self.unit_id,
            value=self.value,
            not_measured_reason=self.not_measured_reason,
            target_override=self.target_override,
            commentary=self.commentary,
            reported_as=self.reported_as,
        )


def batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
