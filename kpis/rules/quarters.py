"""The order in which quarters are offered wherever someone picks one: the quarters that have
ended, the most recent first (the one usually wanted), down to the oldest; a quarter still in
progress, where it makes sense at all, after them."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from contracts.models import Contract
from kpis.models.period import quarter_end_for

# How far back to offer quarters for a contract that has no start date and nothing held earlier:
# far enough to back-fill years of history.
LOOKBACK_YEARS = 10


def recent_first(ends: Iterable[datetime.date], today: datetime.date) -> list[datetime.date]:
    """Ended quarters newest first, then those not yet over, soonest first."""
    ordered = sorted(set(ends))
    ended = [end for end in ordered if end < today]
    return ended[::-1] + [end for end in ordered if end >= today]


def periods_recent_first(periods: Iterable, today: datetime.date) -> list:
    """`ReportingPeriod`s in the order of `recent_first`."""
    by_end = {p.end_date: p for p in periods}
    return [by_end[end] for end in recent_first(by_end, today)]


def previous_end(end: datetime.date) -> datetime.date:
    return quarter_end_for(end.replace(day=1) - datetime.timedelta(days=80))


def next_end(end: datetime.date) -> datetime.date:
    return quarter_end_for(end + datetime.timedelta(days=1))


def gaps(ends: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """The runs of quarters missing between `ends` (held quarters, oldest first), each as its
    first and last quarter's end: shown to a reader, so that no quarter is skipped silently."""
    found = []
    ordered = sorted(set(ends))
    for earlier, later in itertools.pairwise(ordered):
        first = next_end(earlier)
        if first < later:
            found.append((first, previous_end(later)))
    return found


def contract_quarters(
    contract: Contract, today: datetime.date, held: Iterable[datetime.date] = ()
) -> list[datetime.date]:
    """Every quarter of the contract up to the current one, in `recent_first` order: back to the
    one the contract started in, else to the earliest held or `LOOKBACK_YEARS` back."""
    current = quarter_end_for(today)
    if contract.start_date:
        oldest = quarter_end_for(contract.start_date)
    else:
        back = quarter_end_for(today.replace(year=today.year - LOOKBACK_YEARS, day=1))
        oldest = min([*held, back])
    ends = []
    end = current
    while end >= oldest and end.year >= 2000:
        ends.append(end)
        end = previous_end(end)
    return recent_first(ends, today)
