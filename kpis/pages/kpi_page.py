"""One KPI: its definition, thresholds, trend chart, every reading and its history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from kpis.models import Kpi, RuleChange
from kpis.pages import page_cache, panels
from kpis.pages.tables import add_months
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_kpi_for
from kpis.permissions.sight import DRAFT_STATES, Sight
from kpis.reads import contract_tables, display, marks, together
from kpis.reads.charts import describe, other_units, trend_svg
from kpis.reads.grid import build_grid
from kpis.reads.history import kpi_history
from kpis.rules.status import Rule


@dataclass
class RuleChangeLine:
    change: RuleChange
    before: str
    after: str


def _rule_text(kpi: Kpi, rule: Rule) -> str:
    parts = [display.target(rule.target, kpi.unit, kpi.direction, rule.strict)]
    if rule.detriment is not None:
        parts.append(
            f"detriment {display.threshold(rule.detriment, kpi.unit, kpi.direction, rule.basis)}"
        )
    if rule.failure is not None:
        parts.append(
            f"failure {display.threshold(rule.failure, kpi.unit, kpi.direction, rule.basis)}"
        )
    return ", ".join(parts)


def rule_changes(kpi: Kpi) -> list[RuleChangeLine]:
    """Each change of target or thresholds with the rule before and after it, newest first."""
    changes = list(kpi.rule_changes.all())
    lines = []
    for i, change in enumerate(changes):
        after = changes[i + 1].previous_rule(kpi.direction) if i + 1 < len(changes) else kpi.rule()
        before = _rule_text(kpi, change.previous_rule(kpi.direction))
        lines.append(RuleChangeLine(change, before, _rule_text(kpi, after)))
    return lines[::-1]


@login_required
def kpi_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    kpi = get_kpi_for(request.user, code, pk)
    body = page_cache.fragment(
        request,
        kpi.contract,
        f"kpi:{kpi.pk}",
        lambda: _kpi_body(request, kpi),
        query=page_cache.NO_FILTER,
    )
    return render(
        request, "kpis/kpi_detail.html", {"contract": kpi.contract, "kpi": kpi, "body": body}
    )


def _kpi_body(request: HttpRequest, kpi: Kpi) -> page_cache.Fragment:
    today = timezone.localdate()
    # The quarters, with the small tables beside the grid (suspensions, changes of rule, packs
    # published), in one query.
    together.preload(kpi.contract)
    periods = contract_tables.periods(kpi.contract)
    sight = Sight.of(request.user, kpi.contract)
    # The KPI as fetched for the reader, with its contract, service area and unit, is the grid's.
    rows = build_grid(
        [kpi],
        periods,
        today,
        sight=sight,
        held_periods=periods,
        contract=kpi.contract,
    )
    marks.mark_rows(rows, kpi.contract)
    cells = rows[0].cells if rows else []
    kpi = rows[0].kpi if rows else kpi
    # The months, read once, serve the readings' table and the chart alike.
    add_months(cells)
    # The readings' history holds every draft value saved before approval: only those who see
    # drafts read it; others see the KPI's own changes.
    sees_drafts = sight.readable >= DRAFT_STATES
    html = render_to_string(
        "kpis/_kpi_detail_body.html",
        {
            "contract": kpi.contract,
            "kpi": kpi,
            "cells": cells,
            "chart": trend_svg(cells),
            "chart_text": describe(cells) if cells else "",
            "chart_months": any(cell.month_figures for cell in cells),
            "chart_other_units": other_units(cells),
            "suspensions": list(kpi.suspensions.all()),
            "rule_changes": rule_changes(kpi),
            "can_change_rule": may_ever(request.user, Action.CHANGE_RULES, kpi.contract_id),
            "can_define_kpis": may_ever(request.user, Action.DEFINE_KPIS, kpi.contract_id),
            "history": kpi_history(kpi, periods if sees_drafts else []),
            "history_of_figures": sees_drafts,
            "kpi_panels": panels.panels("kpi", request, contract=kpi.contract, kpi=kpi),
        },
    )
    return page_cache.Fragment(html)
