"""The row locks that make decisions about a contract's quarters run one after the other.

Approving, submitting, saving, sending back or reopening a return, changing a rule from a quarter
on, suspending a KPI across quarters (or granting a request to), relieving a failure, recording a
credit, publishing a pack, importing or back-filling figures: each decides on the state of one or
more returns and then writes. Two of them at the same moment must end as they would one after the
other: never an approved quarter judged by a rule changed inside it after its approval, never a
relief recorded on a quarter that was a draft by then.

So each of them, inside its transaction and before it reads anything it decides on, calls one of
these functions, and decides on what they return (read afresh, under the lock); the admin asks
the same services' checks inside its own transaction. The lock order is one, everywhere:

1. the contract's row (each contract's, by id, when a change spans two). Every such decision
   takes it first, so two decisions about one contract's quarters queue here, before either has
   read a state;
2. then the returns the decision depends on, in period order;
3. then the rows it writes (the KPI, the readings; a suspension request, which a grant locks
   before the returns its span reaches). Once the contract's row is held no other decision about
   the contract is past step 1, so the order of these cannot deadlock.

The contract's row is the one every write updates anyway, moving its data version on
(`kpis.writes.data_version`): taking it first, rather than last and in whatever order the writes
came, is what serialises the decisions. The locks are held until the transaction ends;
PostgreSQL's READ COMMITTED isolation lets each statement after the lock see what the decision
before committed. SQLite has no row locks (Django leaves `FOR UPDATE` out there) and lets one
transaction write at a time instead.

The races are tested on PostgreSQL, two decisions at once in two threads (tests/kpis/races.py).
"""

from __future__ import annotations

import datetime

from contracts.models import Contract
from kpis.models import QuarterlyReturn


def lock_contracts(*contract_ids: int) -> None:
    """Step 1: the contracts' rows, in id order."""
    rows = Contract.objects.select_for_update().filter(pk__in=set(contract_ids)).order_by("pk")
    list(rows.values_list("pk", flat=True))


def lock_returns(
    contract_id: int,
    *,
    first: datetime.date | str | None = None,
    last: datetime.date | str | None = None,
) -> list[QuarterlyReturn]:
    """Steps 1 and 2: the contract, then its returns for the quarters ending from `first` to
    `last` (either end open), in period order, with their quarters."""
    lock_contracts(contract_id)
    returns = QuarterlyReturn.objects.filter(contract_id=contract_id).select_related("period")
    if first:
        returns = returns.filter(period__end_date__gte=first)
    if last:
        returns = returns.filter(period__end_date__lte=last)
    return list(returns.order_by("period__end_date").select_for_update(of=("self",)))


def lock_return(contract_id: int, end_date: datetime.date | str) -> QuarterlyReturn | None:
    """The contract, then its return for the quarter ending `end_date`; None if not started."""
    returns = lock_returns(contract_id, first=end_date, last=end_date)
    return returns[0] if returns else None


def relock(quarterly_return: QuarterlyReturn) -> QuarterlyReturn:
    """A return already read, read again under the lock: its contract first, then itself."""
    lock_contracts(quarterly_return.contract_id)
    return QuarterlyReturn.objects.select_for_update().get(pk=quarterly_return.pk)
