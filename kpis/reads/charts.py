"""A KPI's trend as a server-rendered SVG: figures against the target, with the detriment and
failure bands, and gaps where a quarter was suspended or not measured.

A monthly KPI whose months the page read (`kpis.reads.grid.add_month_figures`) also shows each
month as a small point at its place within its quarter, with its status as the symbol the tables
use (never by colour alone); the quarters' points and line stay as they are, rolled up.

Drawn on the server so that it prints, needs no JavaScript, and carries its own text alternative.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kpis.choices import Direction
from kpis.models.unit import UnitKind
from kpis.reads import display
from kpis.reads.grid import Cell, HeldMonth
from kpis.rules import rollup
from kpis.rules.status import MEASURED, Status, tolerance

WIDTH, HEIGHT = 760, 320
# A quarter's label ("Sep-19") takes about this much width at the chart's size.
LABEL_WIDTH = 52
# Below this width a quarter says its status by symbol, not in words, so that none overlaps.
WORDS_WIDTH = 96
CHARTED = (*MEASURED, Status.DATA_ONLY)
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 60
# Each line of the months' key below the chart adds this much height; about how wide one
# character of the key's text is, to break it into lines.
KEY_LINE, KEY_CHAR = 22, 7.2
MONTH_INK = "#0b0c0c"
MONTH_ROW = 14


def plotted(cell: Cell) -> float | None:
    """The quarter's figure where it goes on the chart's axis, else None: a figure in another
    unit than the KPI's (a count printed as a percentage) would stretch the axis and mean nothing
    on it, so it is listed beside the chart instead (`other_units`)."""
    reading = cell.reading
    if reading is None or reading.value is None or not reading.unit_matches:
        return None
    return float(reading.value)


def other_units(cells: Sequence[Cell]) -> list[Cell]:
    """The quarters whose figure is in another unit than the KPI's: listed, not plotted."""
    return [c for c in cells if c.reading and c.reading.value is not None and plotted(c) is None]


def _bounds(cells: Sequence[Cell]) -> tuple[float, float]:
    kpi = cells[0].kpi
    values = [v for v in map(plotted, cells) if v is not None]
    values += [float(f.value) for c in cells for f in c.month_figures if f.value is not None]
    values += [float(c.target_value) for c in cells if c.target_value is not None]
    values += [v for v in (_edge(kpi, kpi.detriment), _edge(kpi, kpi.failure)) if v is not None]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    # The axis starts at zero wherever no figure is below it, so that a change is never drawn
    # larger than it is.
    low = 0.0 if min(values) >= 0 else low - pad
    high = high + pad
    if kpi.unit.kind == UnitKind.PERCENT:
        high = min(high, 100.0)
    return low, high


def _nice_step(span: float, count: int = 6) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about `count` gridlines."""
    raw = span / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(low: float, high: float) -> list[float]:
    step = _nice_step(high - low)
    first = math.ceil(low / step) * step
    return [first + step * i for i in range(int((high - first) / step + 1e-9) + 1)]


def _fmt(value: float) -> str:
    return format(Decimal(str(round(value, 2))).normalize(), "f")


def trend_svg(cells: Sequence[Cell], chart_id: str = "trend") -> SafeString:
    """The chart for one KPI's cells, oldest quarter first."""
    if not cells:
        return mark_safe("")
    kpi = cells[0].kpi
    low, high = _bounds(cells)
    months = [(i, held) for i, cell in enumerate(cells) for held in cell.held_months]
    # A row below the axis for the symbols of months without a figure, the plot that much lower.
    row = MONTH_ROW if months else 0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM - row
    key = _month_key(months, TOP + plot_h + row + 70)
    # The key is its point, then one line of text per `KEY_LINE` of height.
    height = HEIGHT + KEY_LINE * (len(key) - 1) if key else HEIGHT
    step = plot_w / max(len(cells), 1)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return TOP + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = []
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#b1b4b6"/>'
    )
    counted = [i for i, c in enumerate(cells) if c.status in MEASURED and plotted(c) is not None]
    parts += _bands(kpi, low, high, y, [(x(i) - step / 2, step) for i in counted])
    for tick in _ticks(low, high):
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#dddddd"/>'
            f'<text x="{LEFT - 8}" y="{ty + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="#0b0c0c">{escape(_fmt(tick))}</text>'
        )
    # The target in force, quarter by quarter: it can change from one quarter to the next.
    for i, cell in enumerate(cells):
        if cell.target_value is None:
            continue
        ty = y(float(cell.target_value))
        parts.append(
            f'<line x1="{x(i) - step / 2:.1f}" x2="{x(i) + step / 2:.1f}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="8 4"/>'
        )
    parts += _figures(cells, x, y, TOP + plot_h, step)
    # Over the quarters' points, which they are smaller than, so that neither hides the other.
    parts += _months(cells, months, x, y, step, TOP + plot_h)
    # Every quarter is named when there is room; otherwise every second, third ... so that no
    # two labels overlap (the table below names them all).
    every = max(1, math.ceil(LABEL_WIDTH / step))
    for i, cell in enumerate(cells):
        if (len(cells) - 1 - i) % every:
            continue
        parts.append(
            f'<text x="{x(i):.1f}" y="{TOP + plot_h + row + 20}" text-anchor="middle" '
            f'font-size="13" '
            f'fill="#0b0c0c">{escape(cell.period.label)}</text>'
        )
    parts.append(
        f'<text x="16" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="13" '
        f'fill="#0b0c0c" transform="rotate(-90 16 {TOP + plot_h / 2:.1f})">'
        f"{escape(kpi.unit.label)}</text>"
    )
    parts += _legend(
        TOP + plot_h + row + 45, [z[0] for z in _zones(kpi, low, high)] if counted else []
    )
    parts += key
    title = f"Trend of {kpi.reference}: {kpi.description}"
    body = "".join(parts)
    return mark_safe(
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(describe(cells))}</desc>{body}</svg>'
    )


def _edge(kpi, threshold) -> float | None:
    """Where a threshold lies as a figure: a tolerance is measured from the default target."""
    if threshold is None or not kpi.direction or (kpi.relative and kpi.target is None):
        return None
    if not kpi.relative:
        return float(threshold)
    allowed = tolerance(kpi.threshold_basis, kpi.target, threshold)
    higher = kpi.direction == Direction.HIGHER
    return float(kpi.target - allowed if higher else kpi.target + allowed)


ZONES = {"Failure": "#f4cdc6", "Detriment": "#fff2b3"}


def _zones(kpi, low: float, high: float) -> list[tuple[str, float, float]]:
    """Where a figure is a detriment or a failure, as (name, from, to); none for a data-only KPI,
    which has no direction to be worse in."""
    if not kpi.direction:
        return []
    higher = kpi.direction == Direction.HIGHER
    edge = low if higher else high
    zones = []
    failure, detriment = _edge(kpi, kpi.failure), _edge(kpi, kpi.detriment)
    if failure is not None:
        zones.append(("Failure", failure, edge))
    if detriment is not None:
        zones.append(("Detriment", detriment, failure if failure is not None else edge))
    return zones


def _bands(kpi, low: float, high: float, y, slots: list[tuple[float, float]]) -> list[str]:
    """The zones shaded behind the quarters with a counted figure only (`slots`: each quarter's
    left edge and width): a zone says something only where a figure was judged against it. The
    legend names them, so that no label inside the plot can overlap another."""
    parts: list[str] = []
    for name, start, end in _zones(kpi, low, high):
        top, bottom = sorted((y(start), y(end)))
        if bottom - top < 1:
            continue
        for left, width in slots:
            parts.append(
                f'<rect class="app-chart-zone" x="{left:.1f}" y="{top:.1f}" '
                f'width="{width:.1f}" height="{bottom - top:.1f}" fill="{ZONES[name]}">'
                f"<title>{name} zone</title></rect>"
            )
    return parts


def _figures(cells: Sequence[Cell], x, y, axis_y: float, step: float) -> list[str]:
    parts: list[str] = []
    line: list[str] = []
    for i, cell in enumerate(cells):
        reading = cell.reading
        value = plotted(cell)
        # Data-only figures are charted as figures: they are never judged, but they are the trend.
        counted = cell.status in CHARTED
        if counted and value is not None:
            line.append(f"{x(i):.1f},{y(value):.1f}")
        else:
            parts += _polyline(line)
            line = []
        if value is not None:
            # Figures recorded while suspended are shown, hollow, but not joined to the trend.
            fill = "#1d70b8" if counted else "#ffffff"
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="6" '
                f'fill="{fill}" stroke="#1d70b8" stroke-width="2"/>'
            )
        if not counted:
            said = (
                display.status_label(cell.status)
                if step >= WORDS_WIDTH
                else (display.status_symbol(cell.status))
            )
            if reading is not None and reading.value is not None and value is None:
                said = "Another unit" if step >= WORDS_WIDTH else "≠"
            parts.append(
                f'<text x="{x(i):.1f}" y="{axis_y - 8:.1f}" text-anchor="middle" font-size="12" '
                f'fill="#0b0c0c">{escape(said)}</text>'
            )
    parts += _polyline(line)
    return parts


def _polyline(points: list[str]) -> list[str]:
    if len(points) < 2:
        return []
    return [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#1d70b8" stroke-width="3"/>'
    ]


def month_x(cell: Cell, month_end: datetime.date, centre: float, step: float) -> float:
    """Where a month sits: its quarter's slot cut in three, the quarter's point in the middle
    of it (a quarter's figure stands for all three months)."""
    place = rollup.quarter_months(cell.period.end_date).index(month_end)
    return centre + (place - 1) * step / 3


def _months(
    cells: Sequence[Cell], months: list[tuple[int, HeldMonth]], x, y, step: float, axis_y: float
) -> list[str]:
    """Each month held: a small point at its figure with its status symbol above it; a month
    without a figure has its symbol alone just below the axis, where it cannot be read as a
    figure."""
    parts: list[str] = []
    for i, held in months:
        mx = month_x(cells[i], held.month_end, x(i), step)
        symbol = escape(display.status_symbol(held.status))
        title = f"<title>{escape(month_words(held))}</title>"
        if held.value is None:
            parts.append(
                f'<g class="app-chart-month">{title}<text x="{mx:.1f}" y="{axis_y + 13:.1f}" '
                f'text-anchor="middle" font-size="11" fill="{MONTH_INK}">{symbol}</text></g>'
            )
            continue
        my = y(float(held.value))
        # A month not counted (suspended with its quarter) is hollow, as its quarter is.
        fill = "#ffffff" if held.status == Status.SUSPENDED else MONTH_INK
        parts.append(
            f'<g class="app-chart-month">{title}<circle cx="{mx:.1f}" cy="{my:.1f}" r="3" '
            f'fill="{fill}" stroke="{MONTH_INK}" stroke-width="1.5"/>'
            f'<text x="{mx:.1f}" y="{my - 7:.1f}" text-anchor="middle" font-size="12" '
            f'fill="{MONTH_INK}">{symbol}</text></g>'
        )
    return parts


def _month_key(months: list[tuple[int, HeldMonth]], ky: float) -> list[str]:
    """The months' key, one line of the chart's foot or more: a month's point, then each status
    symbol shown with its word; none for a chart without months."""
    if not months:
        return []
    statuses = dict.fromkeys(held.status for _, held in months)
    words = [f"{display.status_symbol(s)} {display.status_label(s).lower()}" for s in statuses]
    lines = [f"Month, with its status: {words[0]}"]
    for word in words[1:]:
        if LEFT + 12 + KEY_CHAR * len(f"{lines[-1]}, {word}") > WIDTH - RIGHT:
            lines.append(word)
        else:
            lines[-1] += f", {word}"
    parts = [f'<circle cx="{LEFT + 3}" cy="{ky - 4}" r="3" fill="{MONTH_INK}"/>']
    for n, line in enumerate(lines):
        parts.append(
            f'<text x="{LEFT + 12}" y="{ky + KEY_LINE * n}" font-size="13" fill="{MONTH_INK}">'
            f"{escape(line)}</text>"
        )
    return parts


def _legend(ly: float, zones: list[str]) -> list[str]:
    """The key beneath the plot: the target, a figure, a figure not counted, and the zones
    shaded (named here rather than inside the plot, where labels could overlap)."""
    swatches = []
    for n, name in enumerate(zones):
        zx = LEFT + 420 + n * 130
        swatches.append(
            f'<rect x="{zx}" y="{ly - 7}" width="14" height="14" fill="{ZONES[name]}" '
            'stroke="#505a5f"/>'
            f'<text x="{zx + 20}" y="{ly + 4}" font-size="13" fill="#0b0c0c">{name} zone</text>'
        )
    return [
        *swatches,
        f'<line x1="{LEFT}" x2="{LEFT + 30}" y1="{ly}" y2="{ly}" stroke="#0b0c0c" '
        'stroke-width="2" stroke-dasharray="8 4"/>'
        f'<text x="{LEFT + 36}" y="{ly + 4}" font-size="13" fill="#0b0c0c">Target</text>'
        f'<circle cx="{LEFT + 110}" cy="{ly}" r="6" fill="#1d70b8"/>'
        f'<text x="{LEFT + 122}" y="{ly + 4}" font-size="13" fill="#0b0c0c">Figure</text>'
        f'<circle cx="{LEFT + 190}" cy="{ly}" r="6" fill="#ffffff" stroke="#1d70b8" '
        'stroke-width="2"/>'
        f'<text x="{LEFT + 202}" y="{ly + 4}" font-size="13" fill="#0b0c0c">'
        "Figure not counted (suspended)</text>",
    ]


def describe(cells: Sequence[Cell]) -> str:
    """The chart in words, for screen readers and for anyone who cannot see it; a quarter with
    months held lists them after it, each with its status."""
    kpi = cells[0].kpi
    counted = [c for c in cells if c.status in MEASURED]
    met = sum(1 for c in counted if c.status == Status.MET)
    # A KPI judged in none of its quarters for want of a target is data only, and says so
    # rather than "measured in 0, target met in 0".
    data_only = not counted and any(c.status == Status.DATA_ONLY for c in cells)
    parts = [
        f"{len(cells)} quarters from {cells[0].period.label} to {cells[-1].period.label}.",
        "Data only: the figures are shown, never judged against a target."
        if data_only
        else f"Measured in {len(counted)}, target met in {met}.",
    ]
    if any(cell.month_figures for cell in cells):
        judged = "" if data_only else "; each month is judged against its quarter's target"
        parts.append(
            f"Each quarter with months shown is worked out from them: "
            f"{kpi.rollup_rule.label.lower()}{judged}."
        )
    for cell in cells:
        text = cell.figure_text or "no figure"
        target = f", {cell.target_label}" if cell.target_label else ""
        if cell.status == Status.DATA_ONLY:
            target = ""
        parts.append(f"{cell.period.label}: {text}{target}, {cell.status_label}.")
        if cell.month_figures:
            parts.append(f"Months: {_months_in_words(cell)}.")
    if kpi.direction == Direction.LOWER:
        parts.append("Lower is better.")
    return " ".join(parts)


def _months_in_words(cell: Cell) -> str:
    held = {month.month_end: month for month in cell.held_months}
    words = []
    for end in rollup.quarter_months(cell.period.end_date):
        month = held.get(end)
        words.append(month_words(month) if month else f"{rollup.month_label(end)}: not entered")
    return "; ".join(words)


def month_words(month: HeldMonth) -> str:
    """'October 2019: 100 tonnes, met', 'November 2019: no figure (Weighbridge), not measured'."""
    if month.value is None:
        text = f"no figure ({month.reason})" if month.reason else "no figure"
    else:
        text = f"{month.figure_text} ({month.parts})" if month.parts else month.figure_text
    status = month.status_label.lower()
    if month.would_have_been:
        status += f" (would have been {display.status_label(month.would_have_been).lower()})"
    return f"{month.label}: {text}, {status}"
