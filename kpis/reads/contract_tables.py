"""The small tables of a contract that `kpis` reads or that sit below it, read through
`kpis.reads.together`: the contract's quarters, the KPIs' suspensions and changes of rule (with
who made them), the service areas, the supplier's published counts, and the contract's
extensions and budgets. A page that preloads them reads them in its one query of small tables."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from contracts.models import Budget, Extension, ServiceArea
from kpis.models import Kpi, PublishedSummary, ReportingPeriod, RuleChange, Suspension
from kpis.reads import together

# The quarters the contract has a return for, with the return's state
# (`ReportingPeriod.objects.for_contract`).
PERIODS = "kpis.periods"
SUSPENSIONS = "kpis.suspensions"
RULE_CHANGES = "kpis.rule_changes"
CHANGERS = "kpis.rule_changers"
SERVICE_AREAS = "contracts.service_areas"
EXTENSIONS = "contracts.extensions"
BUDGETS = "contracts.budgets"
# The supplier's published counts, and their quarters.
SUMMARIES = "kpis.published_summaries"
SUMMARY_QUARTERS = "kpis.published_summary_quarters"
# What a grid of the contract's KPIs reads beside them.
GRID = (SUSPENSIONS, RULE_CHANGES, CHANGERS)


def _changers(contract):
    changed = RuleChange.objects.filter(kpi__contract=contract).values("changed_by")
    return (
        get_user_model().objects.filter(pk__in=changed).only("username", "first_name", "last_name")
    )


def _summaries(contract):
    return PublishedSummary.objects.filter(service_area__contract=contract).order_by(
        "period__end_date", "service_area__position", "service_area__code"
    )


def _summary_quarters(contract):
    return ReportingPeriod.objects.filter(
        pk__in=PublishedSummary.objects.filter(service_area__contract=contract).values("period")
    )


def register() -> None:
    together.register(SUMMARIES, _summaries)
    together.register(SUMMARY_QUARTERS, _summary_quarters)
    together.register(PERIODS, ReportingPeriod.objects.for_contract)
    together.register(SUSPENSIONS, lambda c: Suspension.objects.filter(kpi__contract=c))
    together.register(RULE_CHANGES, lambda c: RuleChange.objects.filter(kpi__contract=c))
    together.register(CHANGERS, _changers)
    together.register(SERVICE_AREAS, lambda c: ServiceArea.objects.filter(contract=c))
    together.register(EXTENSIONS, lambda c: Extension.objects.filter(contract=c))
    together.register(
        BUDGETS, lambda c: Budget.objects.filter(contract=c).order_by("financial_year")
    )


def attach_to_kpis(contract, kpis: list[Kpi]) -> None:
    """Hold each KPI's suspensions and changes of rule (each with who made it) as if
    prefetched, from the contract's small tables."""
    small = together.tables_of(contract, GRID)
    users = {u.pk: u for u in small[CHANGERS]}
    suspensions: dict[int, list] = {k.pk: [] for k in kpis}
    changes: dict[int, list] = {k.pk: [] for k in kpis}
    for suspension in small[SUSPENSIONS]:
        suspensions.get(suspension.kpi_id, []).append(suspension)
    for change in small[RULE_CHANGES]:
        change.changed_by = users.get(change.changed_by_id)
        changes.get(change.kpi_id, []).append(change)
    for kpi in kpis:
        for row in [*suspensions[kpi.pk], *changes[kpi.pk]]:
            row.kpi = kpi
        together.as_prefetched(kpi, "suspensions", suspensions[kpi.pk])
        together.as_prefetched(kpi, "rule_changes", changes[kpi.pk])


def periods(contract) -> list[ReportingPeriod]:
    """The contract's quarters (`ReportingPeriod.objects.for_contract`), oldest first."""
    return together.rows(contract, PERIODS)


def hold_service_areas(contract) -> None:
    """Hold the contract's service areas as `contract.service_areas`, from its small tables."""
    together.as_prefetched(contract, "service_areas", together.rows(contract, SERVICE_AREAS))


def published_summaries(contract) -> list[PublishedSummary]:
    """The supplier's published counts, by quarter and in service area order, each with its
    service area and quarter: one query, or none where the page preloaded them."""
    small = together.tables_of(contract, (SUMMARIES, SUMMARY_QUARTERS, SERVICE_AREAS))
    areas = {a.pk: a for a in small[SERVICE_AREAS]}
    quarters = {p.pk: p for p in small[SUMMARY_QUARTERS]}
    for summary in small[SUMMARIES]:
        summary.service_area = areas[summary.service_area_id]
        summary.period = quarters[summary.period_id]
    return small[SUMMARIES]
