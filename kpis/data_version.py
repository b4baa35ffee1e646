"""Every change to what a contract's pages show moves the contract's data version on, in the
same transaction, so that a page cached under the version it was built from is never served
once the data beneath it has changed.

Single rows saved or deleted (pages, the admin, fixtures) are caught by signals; writes in bulk,
which send none, call `touch` themselves. Other apps `watch` their own models.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

from contracts.models import Budget, Contract, Extension, ServiceArea

ContractsOf = Callable[[Model], Q]


def touch(*contracts: Contract | int) -> None:
    ids = {c if isinstance(c, int) else c.pk for c in contracts}
    Contract.objects.filter(pk__in=ids).touch()


def watch(model: type[Model], contracts_of: ContractsOf) -> None:
    """Touch the contracts `contracts_of(row)` selects whenever a row of `model` changes."""

    def changed(sender, instance, raw: bool = False, **kwargs) -> None:
        Contract.objects.filter(contracts_of(instance)).touch()

    uid = f"data_version:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def of_contract(row) -> Q:
    return Q(pk=row.contract_id)


def of_kpi(row) -> Q:
    # A subquery in the UPDATE itself: no query to find the KPI's contract first.
    return Q(kpis=row.kpi_id)


def everyone(row) -> Q:
    return Q()


def watch_own_models() -> None:
    from kpis.models import (
        Kpi,
        PublishedSummary,
        QuarterlyReturn,
        Reading,
        ReportingPeriod,
        RuleChange,
        Suspension,
        SuspensionRequest,
        Unit,
    )

    watch(Contract, lambda row: Q(pk=row.pk))
    for model in (ServiceArea, Extension, Budget, Kpi, QuarterlyReturn):
        watch(model, of_contract)
    for model in (Reading, Suspension, SuspensionRequest, RuleChange):
        watch(model, of_kpi)
    watch(PublishedSummary, lambda row: Q(service_areas=row.service_area_id))
    # A shared unit, or a quarter's dates, appear on every contract's pages.
    watch(Unit, lambda row: of_contract(row) if row.contract_id else Q())
    watch(ReportingPeriod, everyone)
