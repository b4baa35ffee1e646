"""Writes of the regime: a manager's relief of a failure, and the credit applied to a quarter.

Both are decisions about an approved quarter, taken on its return's state as read under the locks
of `kpis.writes.locks`, so that a reopening at the same moment comes wholly before or after them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpis.models import Kpi, Reading
from kpis.permissions import Action, refusal, require
from kpis.rules.conflicts import CONFLICT
from kpis.rules.status import Status
from kpis.writes import locks
from regime import rules
from regime.models import AppliedCredit, Relief

RELIEVABLE = (Status.BELOW_TARGET, Status.DETRIMENT, Status.FAILURE)


@transaction.atomic
def record_relief(*, kpi: Kpi, end_date: datetime.date, reason: str, user) -> Relief:
    """Relieve `kpi`'s failure in the quarter ending `end_date`: it is still shown, but earns no
    service credit. Only on an approved quarter, for a KPI that missed its target there, or in
    one of its months (which the contract may count on their own: relief of the quarter relieves
    its months)."""
    quarterly_return = locks.lock_return(kpi.contract_id, end_date)
    require(user, Action.RELIEVE, quarterly_return, contract_id=kpi.contract_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the failure is relieved"})
    reading = (
        Reading.objects.filter(kpi=kpi, period=quarterly_return.period)
        .with_status(quarterly_return.period.end_date + datetime.timedelta(days=1))
        .first()
    )
    if reading is None or not _missed(reading, reading.status):
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


def _missed(reading: Reading, status: str) -> bool:
    """Whether the quarter (at `status`), or one of the months that may count on their own,
    missed its target.

    A month's miss may be relieved whether or not the contract counts credits by the month yet,
    so that the relief still holds if it starts to (as a detriment may be relieved before the
    contract counts detriment)."""
    if status in RELIEVABLE:
        return True
    kpi = reading.kpi
    if not rules.counts_months(monthly=kpi.is_monthly, rollup=kpi.rollup_rule, status=status):
        return False
    suspended = status == Status.SUSPENDED
    return any(
        figure.evaluate(reading.rule, suspended=suspended).status in RELIEVABLE
        for figure in reading.months.all()
    )


@transaction.atomic
def record_applied_credit(
    *, contract, end_date: datetime.date, amount: Decimal, note: str, user
) -> AppliedCredit:
    """What was deducted from the supplier's invoice for an approved quarter; recording it again
    replaces the figure, and the history keeps the earlier one with who and why."""
    quarterly_return = locks.lock_return(contract.pk, end_date)
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


def relief_refusal(user, relief: Relief) -> str:
    """Why `user` may not change or remove `relief` now, or '': the permission table's relief
    row for its quarter's state, read under the locks (call it inside the transaction that
    writes). A relief is a decision about an approved quarter, as recording one is."""
    contract_id = Kpi.objects.filter(pk=relief.kpi_id).values_list("contract_id", flat=True).get()
    return _refusal_in_quarter(user, Action.RELIEVE, contract_id, relief.period.end_date)


def credit_refusal(user, *, contract_id: int, end_date: datetime.date) -> str:
    """Why `user` may not record, change or remove the credit applied to a quarter now, or '':
    the permission table's credit row for the quarter's state, read under the locks."""
    return _refusal_in_quarter(user, Action.RECORD_CREDIT, contract_id, end_date)


def _refusal_in_quarter(user, action: Action, contract_id: int, end_date: datetime.date) -> str:
    quarterly_return = locks.lock_return(contract_id, end_date)
    return refusal(user, action, quarterly_return, contract_id=contract_id)
