"""Fetching one notice for the signed-in user, or 404: published notices are anyone's to read;
drafts, only those who work on the contract (the permission table's rows), so that guessing an
address reveals nothing."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_contract_for
from notices.models import PerformanceNotice


def may_read_drafts(user, contract) -> bool:
    return may_ever(user, Action.READ_NOTICE_DRAFTS, contract.pk)


def get_notice_for(user, code: str, pk: int) -> PerformanceNotice:
    contract = get_contract_for(user, code)
    if not may_ever(user, Action.READ_NOTICES, contract.pk):
        raise Http404
    notice = get_object_or_404(
        PerformanceNotice.objects.select_related("drafted_by", "approved_by", "breach"),
        contract=contract,
        pk=pk,
    )
    if not notice.is_published and not may_read_drafts(user, contract):
        raise Http404
    notice.contract = contract
    return notice
