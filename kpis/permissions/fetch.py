"""Fetch one object for the signed-in user, or 404.

Views go through these so that who may read what is decided in one place: every signed-in user
may read every contract, and asking for a contract or KPI that does not exist, or a KPI under
another contract's code, is a 404 rather than a leak of what exists. The 404 page shows no
message (tests/test_error_pages.py), and these raise none: one telling a hidden return from a
missing one would be that leak.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract
from contracts.roles import Part, part_in
from kpis.models import Kpi, QuarterlyReturn
from kpis.permissions import Action, allowed, may_ever


def get_contract_for(user, code: str) -> Contract:
    contract = Contract.objects.visible_by_code(user, code)
    if contract is None:
        raise Http404
    return contract


def get_kpi_for(user, code: str, pk: int) -> Kpi:
    visible = Kpi.objects.filter(contract__in=Contract.objects.visible_to(user))
    return get_object_or_404(
        visible.select_related("contract", "service_area", "unit"), contract__code=code, pk=pk
    )


def get_return_for(user, code: str, end_date: str) -> QuarterlyReturn:
    """A contract's return for the quarter ending `end_date` (YYYY-MM-DD).

    404 for anyone who may not see its figures (the committee and other contracts' officers
    before it is approved), so that guessing addresses reveals nothing. What the user may then
    do with it is the permission table's to say.
    """
    try:
        end = datetime.date.fromisoformat(end_date)
    except ValueError:
        raise Http404 from None
    contract = get_contract_for(user, code)
    quarterly_return = get_object_or_404(
        QuarterlyReturn.objects.select_related(
            "period", "submitted_by", "approved_by", "backfilled_by"
        ),
        contract=contract,
        period__end_date=end,
    )
    if not allowed(user, Action.READ, contract.pk, quarterly_return.state):
        raise Http404
    quarterly_return.contract = contract
    return quarterly_return


def get_workable_contract_for(user, code: str, action: Action) -> Contract:
    """A contract the user may take `action` on in some state of its returns (as
    `refuse_unless_may_ever` says)."""
    contract = get_contract_for(user, code)
    refuse_unless_may_ever(user, action, contract.pk)
    return contract


def refuse_unless_may_ever(user, action: Action, contract_id: int) -> None:
    """Refuse a user whose part in the contract never lets them take `action`.

    Officers and managers of other contracts get a 404, as if it did not exist; the committee,
    who read every contract, get a 403.
    """
    if may_ever(user, action, contract_id):
        return
    if part_in(user, contract_id) == Part.OTHER:
        raise Http404
    raise PermissionDenied(f"You cannot {action.label[0].lower()}{action.label[1:]}.")
