"""Writes of the regime: a manager's relief of a failure, and the credit applied to a quarter."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpis.conflicts import CONFLICT
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import Action, require
from kpis.status import Status
from regime.models import AppliedCredit, Relief

RELIEVABLE = (Status.BELOW_TARGET, Status.DETRIMENT, Status.FAILURE)


@transaction.atomic
def record_relief(*, kpi: Kpi, end_date: datetime.date, reason: str, user) -> Relief:
    """Relieve `kpi`'s failure in the quarter ending `end_date`: it is still shown, but earns no
    service credit. Only on an approved quarter, for a KPI that missed its target there."""
    quarterly_return = (
        QuarterlyReturn.objects.select_for_update()
        .filter(contract_id=kpi.contract_id, period__end_date=end_date)
        .select_related("period")
        .first()
    )
    require(user, Action.RELIEVE, quarterly_return, contract_id=kpi.contract_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the failure is relieved"})
    reading = (
        Reading.objects.filter(kpi=kpi, period=quarterly_return.period)
        .with_status(quarterly_return.period.end_date + datetime.timedelta(days=1))
        .first()
    )
    if reading is None or reading.status not in RELIEVABLE:
        raise ValidationError(
            {"kpi": f"{kpi.reference} met its target or was not judged in that quarter"}
        )
    if Relief.objects.filter(kpi=kpi, period=quarterly_return.period).exists():
        # Recorded meanwhile by someone else, or by the same form sent twice.
        raise ValidationError(
            {
                "kpi": ValidationError(
                    f"{kpi.reference} already has relief for that quarter", code=CONFLICT
                )
            }
        )
    relief = Relief(kpi=kpi, period=quarterly_return.period, reason=reason, recorded_by=user)
    relief._change_reason = reason[:100]
    relief.save()
    return relief


@transaction.atomic
def record_applied_credit(
    *, contract, end_date: datetime.date, amount: Decimal, note: str, user
) -> AppliedCredit:
    """What was deducted from the supplier's invoice for an approved quarter; recording it again
    replaces the figure, and the history keeps the earlier one with who and why."""
    quarterly_return = (
        QuarterlyReturn.objects.select_for_update()
        .filter(contract=contract, period__end_date=end_date)
        .select_related("period")
        .first()
    )
    require(user, Action.RECORD_CREDIT, quarterly_return, contract_id=contract.pk)
    if amount < 0:
        raise ValidationError({"amount": "The credit applied cannot be negative"})
    credit = AppliedCredit.objects.filter(contract=contract, period=quarterly_return.period).first()
    if credit and (credit.amount, credit.note) == (amount, note.strip()):
        # Nothing to change (the form sent twice, say): no second entry in the history.
        return credit
    credit = credit or AppliedCredit(contract=contract, period=quarterly_return.period)
    credit.amount = amount
    credit.note = note.strip()
    credit.recorded_by = user
    credit.recorded_at = timezone.now()
    credit._history_user = user
    credit._change_reason = credit.note or "Credit applied recorded"
    credit.save()
    return credit
