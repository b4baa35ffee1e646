"""Notes that apps built on `kpis` put on a KPI's quarter in its grids, such as "Restated" (the
packs app), so that `kpis` never imports them. An app registers from its `AppConfig.ready()`;
each source is called once per grid, so its queries stay fixed in number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """A short note on one KPI's quarter, linking to where it is explained."""

    label: str
    text: str
    url: str


# (contract) -> {(kpi id, period id): mark}
MarkSource = Callable[..., dict[tuple[int, int], Mark]]

_marks: list[MarkSource] = []


def register_marks(source: MarkSource) -> None:
    _marks.append(source)


def mark_rows(rows: Iterable, contract) -> None:
    """Put each registered mark on its cell of a grid (`kpis.reads.grid.build_grid`'s rows)."""
    if not _marks:
        return
    found: dict[tuple[int, int], Mark] = {}
    for source in _marks:
        found.update(source(contract))
    for row in rows:
        for cell in row.cells:
            # Only figures the reader is shown carry a mark: a hidden quarter says nothing.
            if not cell.is_hidden:
                cell.mark = found.get((cell.kpi.pk, cell.period.pk))
