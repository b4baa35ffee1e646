"""Fetch one object for the signed-in user, or 404.

Views go through these so that who may read what is decided in one place: every signed-in user
may read every contract, and asking for a contract or KPI that does not exist, or a KPI under
another contract's code, is a 404 rather than a leak of what exists.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from contracts.models import Contract
from kpis.models import Kpi


def get_contract_for(user, code: str) -> Contract:
    return get_object_or_404(Contract.objects.visible_to(user), code=code)


def get_kpi_for(user, code: str, pk: int) -> Kpi:
    visible = Kpi.objects.filter(contract__in=Contract.objects.visible_to(user))
    return get_object_or_404(
        visible.select_related("contract", "service_area"), contract__code=code, pk=pk
    )
