"""A small trend line for a KPI's row in print (the pack's exceptions): its counted figures over
the quarters shown, with the target as a dashed line, and a text alternative that lists them.

Drawn on the server like the KPI page's chart (`kpis.reads.charts`), so that it prints and needs
no JavaScript; small enough to sit in a table cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kpis.reads.grid import Cell
from kpis.rules.status import MEASURED

WIDTH, HEIGHT, PAD = 120, 32, 4


def _counted(cells: Sequence[Cell]) -> list[Cell]:
    """The quarters with a figure judged against the target, in the KPI's own unit: a figure in
    another unit, or a quarter not shown, is no point on its line."""
    return [c for c in cells if c.status in MEASURED and c.reading and c.reading.value is not None]


def sparkline(cells: Sequence[Cell]) -> SafeString:
    """An SVG of the row's counted figures, or '' when fewer than two quarters have one."""
    points = _counted(cells)
    if len(points) < 2:
        return mark_safe("")
    values = [float(c.reading.value) for c in points if c.reading and c.reading.value is not None]
    targets = [float(t) for t in (c.target_value for c in points) if t is not None]
    low, high = min(values + targets), max(values + targets)
    span = (high - low) or 1.0
    index = {id(c): i for i, c in enumerate(cells)}
    step = (WIDTH - 2 * PAD) / max(len(cells) - 1, 1)

    def x(cell: Cell) -> float:
        return PAD + index[id(cell)] * step

    def y(value: float) -> float:
        return HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)

    line = " ".join(f"{x(c):.1f},{y(v):.1f}" for c, v in zip(points, values, strict=True))
    target = ""
    if targets and len(set(targets)) == 1:
        ty = y(targets[0])
        target = (
            f'<line x1="{PAD}" y1="{ty:.1f}" x2="{WIDTH - PAD}" y2="{ty:.1f}" '
            'stroke="#505a5f" stroke-dasharray="3 2" stroke-width="1"/>'
        )
    last = points[-1]
    described = ", ".join(f"{c.period.label} {c.figure_text}" for c in points)
    label = f"Trend of {last.kpi.reference}: {described}"
    if targets and len(set(targets)) == 1:
        label += f"; {last.target_label}"
    return mark_safe(
        f'<svg class="app-sparkline" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-label="{escape(label)}">'
        f"{target}"
        f'<polyline points="{line}" fill="none" stroke="#0b0c0c" stroke-width="1.5"/>'
        f'<circle cx="{x(last):.1f}" cy="{y(values[-1]):.1f}" r="2.5" fill="#0b0c0c"/>'
        "</svg>"
    )
