from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from kpis.reads import display
from kpis.rules.status import Status
from kpis.rules.travel import Comparison, Travel

register = template.Library()


@register.simple_tag
def status_tag(status: str | None, would_have_been: str | None = None) -> str:
    """A status as symbol, word and colour; a suspended one also says what it would have been."""
    if not status:
        return ""
    return _status_tag(status, would_have_been)


# A table shows a handful of different statuses in hundreds of cells: build each tag once.
@lru_cache(maxsize=128)
def _status_tag(status: str, would_have_been: str | None) -> str:
    extra = ""
    if would_have_been:
        extra = format_html(
            '<span class="app-cell-note">would have been {}</span>',
            display.status_label(would_have_been).lower(),
        )
    return format_html(
        '<strong class="app-status app-status--{}">'
        '<span aria-hidden="true">{} </span>{}</strong>{}',
        status,
        display.status_symbol(status),
        display.status_label(status),
        extra,
    )


# Where a quarter's return stands (`kpis.rules.due.Stage`), as a symbol beside the word.
_DUE_SYMBOLS = {"overdue": "!", "awaiting_approval": "◔", "approved": "✓"}


@register.simple_tag
def saved_status(status, would_have_been=None) -> str:
    """A status as a return stores it, in words (a return page shows it beside several figures
    of every row); "Not saved yet" where there is none."""
    return _saved_status(Status(status) if status else None, would_have_been or None)


@lru_cache(maxsize=64)
def _saved_status(status: Status | None, would_have_been: str | None) -> str:
    if status is None:
        return format_html('<span class="govuk-body-s">Not saved yet</span>')
    extra = ""
    if would_have_been:
        extra = format_html(
            ' <span class="govuk-body-s">(would have been {})</span>',
            Status(would_have_been).label.lower(),
        )
    return format_html(
        '<strong class="app-status app-status--{}">{}</strong>{}', status.value, status.label, extra
    )


@register.simple_tag
def due_tag(quarter) -> str:
    """Where a quarter of `kpis.rules.due` stands, in symbol and word, never colour alone."""
    return _due_tag(quarter.stage)


# Listed for every quarter of fifty contracts on the home page: build each tag once.
@lru_cache(maxsize=16)
def _due_tag(stage) -> str:
    return format_html(
        '<strong class="app-status app-status--due-{}"><span aria-hidden="true">{} </span>{}'
        "</strong>",
        stage,
        _DUE_SYMBOLS.get(stage, "·"),
        stage.label,
    )


@register.filter
def progress_status(quarterly_return) -> str:
    """The status a quarter shows while its return is not approved."""
    return display.in_progress_status(quarterly_return.state)


@register.filter
def status_label(status: str | None) -> str:
    return display.status_label(status)


@register.simple_tag
def figure(value, unit: str) -> str:
    return display.figure(value, unit)


@register.simple_tag
def kpi_target(kpi, value=None) -> str:
    """The KPI's target, or a quarter's override of it, with its comparison."""
    chosen = kpi.target if value is None else value
    return display.target(chosen, kpi.unit, kpi.direction, kpi.target_strict)


@register.simple_tag
def threshold(kpi, value) -> str:
    return display.threshold(value, kpi.unit, kpi.direction, kpi.threshold_basis)


@register.simple_tag
def travel(cell, notes: bool = False) -> str:
    """A quarter's direction of travel since the previous quarter and a year before, each as
    symbol and words (`kpis.rules.travel`), never by colour alone.

    With `notes` every note is shown; otherwise (in a table's cells) a note that qualifies a
    comparison (a change of target) is shown and why one could not be made is read out to screen
    readers only. Two comparisons that say the same are said once.
    """
    previous, year = cell.travel_previous, cell.travel_year
    if previous is None or year is None:
        return ""
    if previous == year:
        return _travel_line(previous, (previous.since,), notes)
    if previous.travel == year.travel == Travel.NOT_COMPARABLE and previous.note == year.note:
        return _travel_line(previous, (previous.since, year.since), notes)
    return format_html(
        "{}{}",
        _travel_line(previous, (previous.since,), notes),
        _travel_line(year, (year.since,), notes),
    )


# Like status tags, a table holds few different lines in many cells: build each once.
@lru_cache(maxsize=512)
def _travel_line(comparison: Comparison, quarters: tuple[str, ...], notes: bool) -> str:
    note = comparison.note
    if not note:
        extra = ""
    elif notes or comparison.travel != Travel.NOT_COMPARABLE:
        extra = format_html('<span class="app-cell-note">{}</span>', note)
    else:
        extra = format_html('<span class="govuk-visually-hidden">. {}</span>', note)
    # A quarter's label never breaks at its hyphen.
    labels = format_html_join(
        " or ", '<span class="app-travel__quarter">{}</span>', ((q,) for q in quarters)
    )
    return format_html(
        '<span class="app-travel app-travel--{}"><span aria-hidden="true">{} </span>{} {} {}{}'
        "</span>",
        comparison.travel,
        comparison.symbol,
        comparison.label,
        comparison.joint,
        labels,
        extra,
    )


@register.simple_tag
def percent_met(counts) -> str:
    """Met as a percentage of measured ("93%"); a dash, read out as "none measured", where
    nothing was measured."""
    value = counts.percent_met
    if value is None:
        return format_html(
            '<span aria-hidden="true">{}</span><span class="govuk-visually-hidden">{}</span>',
            "\u2013",
            "None measured",
        )
    return f"{value}%"


@register.simple_tag
def status_count(status: str, n: int) -> str:
    """A count of one status in symbol and words: "✗ 2 below target"."""
    return format_html(
        '<span aria-hidden="true">{} </span>{} {}',
        display.status_symbol(status),
        n,
        display.status_label(status).lower(),
    )


@register.simple_tag
def quarter_cell(cell) -> str:
    """One quarter's cell of a grid of KPIs (`kpis.reads.grid.Cell`): whether it is a draft,
    the figure, the target, the status, why there is no figure, the direction of travel and
    any mark another app puts on it. A function rather than an included template, as the KPI
    table and the pack show a hundred or more of them: each include cost more than the rest of
    its cell."""
    parts = []
    if cell.is_draft:
        parts.append('<span class="app-draft-mark">Draft, not yet approved</span>')
    figure = cell.figure_text
    if figure:
        parts.append(format_html('<span class="app-cell-figure">{}</span>', figure))
    target = cell.target_label
    if target:
        parts.append(format_html('<span class="app-cell-target">{}</span>', target))
    parts.append(status_tag(cell.status, cell.would_have_been))
    if cell.note_given_in:
        parts.append(format_html('<span class="app-cell-note">As in {}</span>', cell.note_given_in))
    else:
        note = cell.note
        if note:
            parts.append(format_html('<span class="app-cell-note">{}</span>', note))
    parts.append(travel(cell))
    mark = cell.mark
    if mark:
        parts.append(
            format_html(
                '<a class="govuk-link app-cell-mark" href="{}" title="{}">{}'
                '<span class="govuk-visually-hidden">: {}</span></a>',
                mark.url,
                mark.text,
                mark.label,
                mark.text,
            )
        )
    return mark_safe("".join(parts))
