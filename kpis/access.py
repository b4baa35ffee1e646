"""Fetch one object for the signed-in user, or 404.

Views go through these so that who may read what is decided in one place: every signed-in user
may read every contract, and asking for a contract or KPI that does not exist, or a KPI under
another contract's code, is a 404 rather than a leak of what exists.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract
from contracts.roles import can_enter_figures, can_read_returns
from kpis.models import Kpi, QuarterlyReturn


def get_contract_for(user, code: str) -> Contract:
    return get_object_or_404(Contract.objects.visible_to(user), code=code)


def get_kpi_for(user, code: str, pk: int) -> Kpi:
    visible = Kpi.objects.filter(contract__in=Contract.objects.visible_to(user))
    return get_object_or_404(
        visible.select_related("contract", "service_area"), contract__code=code, pk=pk
    )


def get_return_for(user, code: str, end_date: str, *, for_edit: bool) -> QuarterlyReturn:
    """A contract's return for the quarter ending `end_date` (YYYY-MM-DD).

    404 for anyone who may not read it, so that guessing addresses reveals nothing; 403 for a
    reader (the committee, say) asking to change it.
    """
    try:
        end = datetime.date.fromisoformat(end_date)
    except ValueError:
        raise Http404("No such quarter.") from None
    contract = get_contract_for(user, code)
    if not can_read_returns(user, contract):
        raise Http404("No such return.")
    if for_edit and not can_enter_figures(user, contract):
        raise PermissionDenied("You cannot change this contract's returns.")
    quarterly_return = get_object_or_404(
        QuarterlyReturn.objects.select_related("period", "submitted_by", "approved_by"),
        contract=contract,
        period__end_date=end,
    )
    quarterly_return.contract = contract
    return quarterly_return
