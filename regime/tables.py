"""The regime's small tables of a contract, as `kpis.reads.together` reads them: in one query
with the contract's other small tables on the pages that show them (the scorecard, the
committee pack), or in one of their own (the regime's page, the API), instead of five; and the
contract's term and money (`kpis.reads.contract_tables`) as the regime shows them."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from contracts.models import Budget, Contract, Extension
from kpis.models import Kpi, ReportingPeriod
from kpis.reads import contract_tables, together
from regime.models import (
    AppliedCredit,
    CreditScheme,
    KpiWeight,
    QuarterCharge,
    RegimeSettings,
    Relief,
)

SETTINGS = "regime.settings"
SCHEMES = "regime.schemes"
CHARGES = "regime.charges"
APPLIED = "regime.applied"
RELIEFS = "regime.reliefs"
# Who recorded each relief, named beside it.
RECORDERS = "regime.recorders"
# How much each KPI's failures count towards credits, where it is not 1.
WEIGHTS = "regime.weights"
# What the ledger (`regime.ledger.regime_for`) reads.
LEDGER = (SETTINGS, SCHEMES, CHARGES, APPLIED, RELIEFS, RECORDERS, WEIGHTS)


def _reliefs(contract: Contract):
    return Relief.objects.filter(kpi__contract=contract)


def _recorders(contract: Contract):
    recorded = _reliefs(contract).filter(recorded_by__isnull=False).values("recorded_by")
    return (
        get_user_model().objects.filter(pk__in=recorded).only("username", "first_name", "last_name")
    )


def register() -> None:
    together.register(SETTINGS, lambda c: RegimeSettings.objects.filter(contract=c))
    together.register(
        SCHEMES, lambda c: CreditScheme.objects.filter(contract=c).order_by("effective_from")
    )
    together.register(CHARGES, lambda c: QuarterCharge.objects.filter(contract=c))
    together.register(APPLIED, lambda c: AppliedCredit.objects.filter(contract=c))
    together.register(RELIEFS, _reliefs)
    together.register(RECORDERS, _recorders)
    together.register(WEIGHTS, lambda c: KpiWeight.objects.filter(kpi__contract=c))


def extensions(contract: Contract) -> list[Extension]:
    """The contract's extensions, held as its `extensions` so that `current_end_date` reads
    nothing more."""
    found = together.rows(contract, contract_tables.EXTENSIONS)
    together.as_prefetched(contract, "extensions", found)
    return found


def budgets(contract: Contract, financial_year: int | None = None) -> list[Budget]:
    found = together.rows(contract, contract_tables.BUDGETS)
    return [b for b in found if financial_year is None or b.financial_year == financial_year]


def attach_to_reliefs(
    contract: Contract,
    reliefs: list[Relief],
    kpis: dict[int, Kpi],
    periods: Iterable[ReportingPeriod],
    recorders: Iterable,
) -> None:
    """Give each relief its KPI, quarter and recorder from rows in hand: the KPIs with
    approved figures (any other read in one query, where there is one), the contract's
    quarters (`periods`) and the recorders read with the regime's tables (`recorders`)."""
    missing = {r.kpi_id for r in reliefs} - set(kpis)
    if missing:
        kpis = {**kpis, **Kpi.objects.in_bulk(missing)}
    by_pk = {p.pk: p for p in periods}
    by_user = {u.pk: u for u in recorders}
    for relief in reliefs:
        relief.kpi = kpis[relief.kpi_id]
        relief.kpi.contract = contract
        if relief.period_id in by_pk:
            relief.period = by_pk[relief.period_id]
        relief.recorded_by = by_user.get(relief.recorded_by_id)
