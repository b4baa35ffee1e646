"""The regime's pieces of other apps' pages: money and term on the contract page, and the
committee pack's section. Each is one include line in the page's template."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from regime import answers, tables
from regime.ledger import YearRow, regime_for

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """Pounds as the report prints them: £5,952,000 or £2,400.50; None as 'not known'."""
    if value is None:
        return "not known"
    sign = "-" if value < 0 else ""
    value = abs(value)
    text = f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"
    return f"{sign}£{intcomma(text)}"


@register.inclusion_tag("regime/_money.html")
def contract_money(contract) -> dict:
    # The extensions serve both the list and `Contract.current_end_date`.
    return {
        "contract": contract,
        "extensions": tables.extensions(contract),
        "budgets": tables.budgets(contract),
    }


@register.inclusion_tag("regime/_pack.html")
def regime_pack(contract, period, approved: bool, periods=None, kpis=None) -> dict:
    """The pack's section: the quarter's failures, reliefs, credits and persistent failures,
    and the year's budget against outturn. `periods`: the contract's quarters, and `kpis` all
    its KPIs, where the page holds them."""
    regime = regime_for(contract, periods=periods, kpis=kpis)
    year = regime.year(period.financial_year)
    quarter = regime.quarter(period.end_date)
    if quarter:
        answers.attach(contract, quarter.escalations)
    # The year to date, as the rest of the pack shows it.
    to_date = year and YearRow(
        year.financial_year, [q for q in year.quarters if q.period.end_date <= period.end_date]
    )
    return {
        "contract": contract,
        "period": period,
        "approved": approved,
        "quarter": quarter,
        "years": [to_date] if to_date else [],
        "budgets": tables.budgets(contract, period.financial_year),
    }
