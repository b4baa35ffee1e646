"""The regime's pieces of other apps' pages: money and term on the contract page, and the
committee pack's section. Each is one include line in the page's template."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import prefetch_related_objects

from contracts.models import Budget
from regime import answers
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
    # One query serves both the list and `Contract.current_end_date`.
    prefetch_related_objects([contract], "extensions")
    return {
        "contract": contract,
        "extensions": list(contract.extensions.all()),
        "budgets": list(Budget.objects.filter(contract=contract).order_by("financial_year")),
    }


@register.inclusion_tag("regime/_pack.html")
def regime_pack(contract, period, approved: bool) -> dict:
    """The pack's section: the quarter's failures, reliefs, credits and persistent failures,
    and the year's budget against outturn."""
    regime = regime_for(contract)
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
        "budgets": list(
            Budget.objects.filter(contract=contract, financial_year=period.financial_year)
        ),
    }
