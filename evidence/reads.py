"""What readers see of evidence, each list in one query: only the evidence of figures and plans
the reader sees (`kpis.permissions.sight`), and never a removed file."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from contracts.models import Contract
from evidence.models import Evidence, EvidenceQuerySet
from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import Sight


def shown(contract: Contract, sight: Sight) -> EvidenceQuerySet:
    return (
        Evidence.objects.filter(contract=contract)
        .present()
        .readable_in(sight.readable)
        .select_related("added_by")
    )


def get_evidence_for(user, code: str, pk: int) -> Evidence:
    """One file, for a reader who sees the figure or plan it is attached to, or 404: to the
    committee and other contracts' officers, a draft's evidence does not exist."""
    contract = get_contract_for(user, code)
    row = get_object_or_404(
        shown(contract, Sight.of(user, contract)).select_related("kpi", "period", "plan"), pk=pk
    )
    row.contract = contract
    return row
