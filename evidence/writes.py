"""Attaching evidence to a figure or a plan, and removing it with a reason.

Each asks the permission table inside its transaction, with the quarter's return re-read under
the project's locks (`kpis.writes.locks`), so that evidence never lands on, or leaves, a quarter
approved meanwhile. The file's kind is read from its contents first (`filetypes`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from evidence import filetypes
from evidence.models import Evidence
from kpis.models import Kpi, QuarterlyReturn
from kpis.permissions import Action, require
from kpis.writes import locks
from plans.models import Plan


def check_file(upload) -> filetypes.Kind:
    """The upload's kind, or a ValidationError saying what is wrong with it."""
    if upload.size > filetypes.MAX_BYTES:
        raise ValidationError(
            f"The file is {upload.size / 1_000_000:.1f} MB: it must be 10 MB or smaller.",
            code="too_large",
        )
    try:
        return filetypes.kind_of(upload, upload.name or "")
    except filetypes.Refused as refused:
        raise ValidationError(str(refused), code="kind") from None


def _new(*, contract, user, upload, description: str, **links) -> Evidence:
    kind = check_file(upload)
    row = Evidence(
        contract=contract,
        name=(upload.name or "file")[-255:],
        kind=kind.code,
        size=upload.size,
        description=description.strip(),
        added_by=user,
        added_at=timezone.now(),
        **links,
    )
    row.full_clean(exclude=["file"])
    row.file.save(upload.name or "file", upload, save=False)
    _saved(row, user=user, reason="Attached")
    return row


def _saved(row, *, user, reason: str) -> None:
    """Save with who and why in the evidence's history."""
    row._history_user = user
    row._change_reason = reason
    row.save()


@transaction.atomic
def attach_to_figure(
    *, quarterly_return: QuarterlyReturn, kpi: Kpi, user, upload, description: str
) -> Evidence:
    current = locks.relock(quarterly_return)
    require(user, Action.ATTACH_EVIDENCE, current)
    return _new(
        contract=current.contract,
        user=user,
        upload=upload,
        description=description,
        kpi=kpi,
        period_id=current.period_id,
    )


@transaction.atomic
def attach_to_plan(*, plan: Plan, user, upload, description: str) -> Evidence:
    contract = plan.kpi.contract
    locks.lock_contracts(contract.pk)
    require(user, Action.ATTACH_PLAN_EVIDENCE, contract_id=contract.pk)
    return _new(contract=contract, user=user, upload=upload, description=description, plan=plan)


@transaction.atomic
def remove(*, evidence: Evidence, user, reason: str) -> Evidence:
    """Mark the evidence removed, keeping the row and the file: who, when and why are kept, and
    its history shows it was there."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for removing it."})
    if evidence.plan_id is None:
        current = QuarterlyReturn.objects.filter(
            contract_id=evidence.contract_id, period_id=evidence.period_id
        ).first()
        if current is not None:
            current = locks.relock(current)
        require(user, Action.REMOVE_EVIDENCE, current, contract_id=evidence.contract_id)
    else:
        locks.lock_contracts(evidence.contract_id)
        require(user, Action.REMOVE_PLAN_EVIDENCE, contract_id=evidence.contract_id)
    row = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if row.removed_at is not None:
        return row
    row.removed_by = user
    row.removed_at = timezone.now()
    row.removal_reason = reason
    row.full_clean(exclude=["file"])
    _saved(row, user=user, reason=f"Removed: {reason}")
    return row
