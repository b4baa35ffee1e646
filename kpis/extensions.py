"""Where apps built on `kpis` add to its pages, so that `kpis` never imports them.

An app registers from its `AppConfig.ready()`: `packs` puts its download and publish links and
its "restated" section on the committee pack, lists published packs on the scorecard, and marks
restated figures. Each source is called once per page, so its queries stay fixed in number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Mark:
    """A short note on one KPI's quarter, linking to where it is explained."""

    label: str
    text: str
    url: str


# (contract) -> {(kpi id, period id): mark}
MarkSource = Callable[..., dict[tuple[int, int], Mark]]
# (request, **context) -> HTML
PanelSource = Callable[..., str]

_marks: list[MarkSource] = []
_panels: dict[str, list[PanelSource]] = {}


def register_marks(source: MarkSource) -> None:
    _marks.append(source)


def register_panel(place: str, source: PanelSource) -> None:
    _panels.setdefault(place, []).append(source)


def mark_rows(rows: Iterable, contract) -> None:
    """Put each registered mark on its cell of a grid (`kpis.grid.build_grid`'s rows)."""
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


def panels(place: str, request, **context) -> list[SafeString]:
    """HTML the registered apps add at `place` on a page ("pack_top", "pack_end", ...)."""
    return [mark_safe(source(request, **context)) for source in _panels.get(place, [])]
