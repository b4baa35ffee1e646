from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.html import format_html

from kpis.reads import display

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
