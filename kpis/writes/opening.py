"""Opening a quarterly return: the return found, or made with an empty row per KPI in force.

A return holds a row for every KPI in force in its quarter, so that a gap is counted as missing
rather than left out. The rows are made when the return is opened and, for a KPI added to the
contract later, when the KPI is saved (`kpi_saved`, connected in `KpisConfig.ready`). A KPI's life
span can still move after that, so saving figures (`kpis.writes.saving`) and the workflow's moves
(`kpis.writes.workflow`) add the rows still lacking before they count them, with
`add_missing_readings` from here; both also decide on the return as `locked_return` re-reads it.

`open_return` is keyword-only and atomic, and asks the permission table (`kpis.permissions`),
then checks the quarter, under the locks of `kpis.writes.locks` (its contract's row, then the
return's), before it writes anything: a refused start leaves no trace, and two starts of one
quarter run one after the other.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end, quarter_end_for
from kpis.permissions import Action, require
from kpis.writes import locks


def return_for(*, contract_id: int, period_id: int) -> QuarterlyReturn | None:
    return QuarterlyReturn.objects.filter(contract_id=contract_id, period_id=period_id).first()


def locked_return(quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    """The return re-read under the locks (its contract's, then its own), so that a concurrent
    approval, or a rule changed meanwhile, is seen."""
    return locks.relock(quarterly_return)


def kpis_without_a_row(contract: Contract, period: ReportingPeriod):
    """The contract's KPIs in force that quarter that have no reading in it."""
    return (
        Kpi.objects.for_contract(contract)
        .in_force_at(period.end_date)
        .exclude(readings__period=period)
    )


def add_missing_readings(*, contract: Contract, period: ReportingPeriod, user) -> list[Reading]:
    """One empty reading per KPI of the contract in force that quarter that has none, so gaps are
    counted as missing; a KPI outside its life span is never offered for entry."""
    missing = kpis_without_a_row(contract, period).only("unit")
    rows = [Reading(kpi=kpi, period=period, unit_id=kpi.unit_id) for kpi in missing]
    if not rows:
        return []
    return bulk_create_with_history(
        rows, Reading, default_user=user, default_change_reason="Return opened"
    )


def open_return(*, contract: Contract, end_date: datetime.date, user) -> QuarterlyReturn:
    """The contract's return for the quarter ending `end_date`, created with a row per KPI.

    Two people, or one double click, may start the same quarter at once: the second waits on
    the contract's lock (`kpis.writes.locks`) and then finds the return the first made. Two
    contracts may also create the same new quarter at once; the second insert then breaks the unique
    constraint on its end date, its savepoint is rolled back and it starts again, finding it.
    """
    try:
        return _open_return(contract=contract, end_date=end_date, user=user)
    except IntegrityError:
        return _open_return(contract=contract, end_date=end_date, user=user)


@transaction.atomic
def _open_return(*, contract: Contract, end_date: datetime.date, user) -> QuarterlyReturn:
    require(user, Action.START, contract_id=contract.pk)
    if not is_quarter_end(end_date):
        raise ValidationError({"end_date": QUARTER_END_MESSAGE})
    if end_date > quarter_end_for(timezone.localdate()):
        raise ValidationError({"end_date": "That quarter has not started yet."})
    if contract.start_date and end_date < contract.start_date:
        raise ValidationError({"end_date": "That quarter ends before the contract started."})
    quarterly_return = locks.lock_return(contract.pk, end_date)
    if quarterly_return is None:
        period = ReportingPeriod.objects.for_date(end_date)
        quarterly_return = QuarterlyReturn(contract=contract, period=period)
        quarterly_return._history_user = user
        quarterly_return._change_reason = "Return opened"
        quarterly_return.save()
    if quarterly_return.state == ReturnState.DRAFT:
        add_missing_readings(contract=contract, period=quarterly_return.period, user=user)
    return quarterly_return


def kpi_saved(sender, instance: Kpi, created: bool, raw: bool, **kwargs) -> None:
    """post_save of a KPI (connected in KpisConfig.ready): a new one joins the open returns."""
    if created and not raw:
        add_kpi_to_open_returns(kpi=instance)


@transaction.atomic
def add_kpi_to_open_returns(*, kpi: Kpi, user=None) -> list[Reading]:
    """Give a new KPI an empty row in each of its contract's returns that is not approved."""
    returns = locks.lock_returns(kpi.contract_id)
    open_periods = [r.period_id for r in returns if r.state != ReturnState.APPROVED]
    periods = ReportingPeriod.objects.filter(pk__in=open_periods).exclude(readings__kpi=kpi)
    rows = [
        Reading(kpi=kpi, period=period, unit_id=kpi.unit_id)
        for period in periods
        if kpi.in_force(period.end_date)
    ]
    if not rows:
        return []
    return bulk_create_with_history(
        rows, Reading, default_user=user, default_change_reason="KPI added to the contract"
    )
