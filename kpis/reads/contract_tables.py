"""The small tables of a contract that `kpis` itself shows beside its grids, read through
`kpis.reads.together`: the KPIs' suspensions and changes of rule (with who made them), and the
service areas. A page that preloads them reads them in its one query of small tables."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from contracts.models import ServiceArea
from kpis.models import Kpi, RuleChange, Suspension
from kpis.reads import together

SUSPENSIONS = "kpis.suspensions"
RULE_CHANGES = "kpis.rule_changes"
CHANGERS = "kpis.rule_changers"
SERVICE_AREAS = "contracts.service_areas"
# What a grid of the contract's KPIs reads beside them.
GRID = (SUSPENSIONS, RULE_CHANGES, CHANGERS)


def _changers(contract):
    changed = RuleChange.objects.filter(kpi__contract=contract).values("changed_by")
    return get_user_model().objects.filter(pk__in=changed).only(
        "username", "first_name", "last_name"
    )


def register() -> None:
    together.register(SUSPENSIONS, lambda c: Suspension.objects.filter(kpi__contract=c))
    together.register(RULE_CHANGES, lambda c: RuleChange.objects.filter(kpi__contract=c))
    together.register(CHANGERS, _changers)
    together.register(SERVICE_AREAS, lambda c: ServiceArea.objects.filter(contract=c))


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


def hold_service_areas(contract) -> None:
    """Hold the contract's service areas as `contract.service_areas`, from its small tables."""
    together.as_prefetched(
        contract, "service_areas", together.rows(contract, SERVICE_AREAS)
    )
