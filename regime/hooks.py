"""The regime's parts of `kpis` pages, registered through `kpis.pages.panels` so that `kpis`
never names this app: persistent failures, money and term on the contract page, and the committee
pack's section on failures, reliefs, credits and persistent failures (also in its PDF)."""

from __future__ import annotations

from django.template.loader import render_to_string

from kpis.pages import panels
from kpis.writes import data_version
from regime import answers, tables
from regime.ledger import regime_for
from regime.models import (
    AppliedCredit,
    CreditScheme,
    KpiWeight,
    QuarterCharge,
    RegimeSettings,
    Relief,
)
from regime.templatetags.regime import contract_money, regime_pack


def _scorecard(request, *, contract, periods=None, kpis=None, **context) -> str:
    quarters = regime_for(contract, periods=periods, kpis=kpis).quarters
    if quarters:
        answers.attach(contract, quarters[-1].escalations)
    flags = render_to_string(
        "regime/_scorecard_flags.html",
        {"contract": contract, "latest": quarters[-1] if quarters else None},
    )
    return flags + render_to_string("regime/_money.html", contract_money(contract))


def _pack_end(request, *, contract, period, approved, periods=None, rows=None, **context) -> str:
    # The pack's grid holds every KPI of the contract, with its unit.
    kpis = [row.kpi for row in rows] if rows is not None else None
    return render_to_string(
        "regime/_pack.html", regime_pack(contract, period, approved, periods=periods, kpis=kpis)
    )


def register() -> None:
    for model in (RegimeSettings, CreditScheme, QuarterCharge, AppliedCredit):
        data_version.watch(model, data_version.of_contract)
    for model in (KpiWeight, Relief):
        data_version.watch(model, data_version.of_kpi)
    panels.register_panel("scorecard", _scorecard)
    panels.register_panel("pack_end", _pack_end)
    tables.register()
