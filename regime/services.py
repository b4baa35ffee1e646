"""Writes of the regime: a manager's relief of a failure."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import Action, require
from kpis.status import Status
from regime.models import Relief

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
        raise ValidationError({"kpi": f"{kpi.reference} already has relief for that quarter"})
    relief = Relief(kpi=kpi, period=quarterly_return.period, reason=reason, recorded_by=user)
    relief._change_reason = reason[:100]
    relief.save()
    return relief
