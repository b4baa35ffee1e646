"""When a contract's quarterly returns are due and overdue: one definition for the home page,
"My returns", the return page and the reminders.

A return is due when its quarter ends and overdue `RETURN_OVERDUE_AFTER_DAYS` later, until it is
submitted; then it awaits a manager's approval. Every quarter that has ended since the contract's
first return (or, with none yet, the last `FIRST_RETURN_LOOKBACK_QUARTERS`) stays in view until
approved, whatever later quarters hold; quarters after the contract's end are never due.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils import timezone

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, ReportingPeriod
from kpis.models.period import quarter_end_for

FIRST_RETURN_LOOKBACK_QUARTERS = 8
# Approved returns stay listed this long after approval, so that nobody wonders where they went.
RECENTLY_APPROVED_DAYS = 30
# Of those, the home page lists the latest few: a panel of work to do, not a history (a day of
# approvals across fifty contracts would be hundreds of rows), with a count of the rest.
RECENTLY_APPROVED_LISTED = 10


class Stage(models.TextChoices):
    IN_PROGRESS = "in_progress", "Quarter in progress"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    APPROVED = "approved", "Approved"


def overdue_after() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETURN_OVERDUE_AFTER_DAYS)


def _day(date: datetime.date) -> str:
    if isinstance(date, datetime.datetime):
        # A stored moment is in UTC; the council's day is London's: an approval at 00:30 in
        # British Summer Time is stored as 23:30 the day before.
        date = timezone.localdate(date)
    return f"{date:%-d %B %Y}"


@dataclass
class QuarterDue:
    """One contract's quarter as a piece of work: its return (if started) and where it stands."""

    contract: Contract
    end: datetime.date
    quarterly_return: QuarterlyReturn | None
    today: datetime.date
    # Whether the reader may open the return (pages listing other people's work set it).
    can_open: bool = True

    @property
    def long_label(self) -> str:
        return ReportingPeriod(end_date=self.end, **ReportingPeriod.fields_for(self.end)).long_label

    @property
    def overdue_from(self) -> datetime.date:
        return self.end + overdue_after()

    @property
    def state(self) -> str:
        return self.quarterly_return.state if self.quarterly_return else ""

    @property
    def stage(self) -> Stage:
        if self.state == ReturnState.APPROVED:
            return Stage.APPROVED
        if self.state == ReturnState.SUBMITTED:
            return Stage.AWAITING_APPROVAL
        if self.end >= self.today:
            return Stage.IN_PROGRESS
        if self.today > self.overdue_from:
            return Stage.OVERDUE
        return Stage.DUE

    @property
    def is_overdue(self) -> bool:
        return self.stage == Stage.OVERDUE

    @property
    def state_label(self) -> str:
        return self.quarterly_return.get_state_display() if self.quarterly_return else "Not started"

    @property
    def label(self) -> str:
        """Where the return stands, with its dates, in words."""
        stage = self.stage
        r = self.quarterly_return
        if stage == Stage.APPROVED:
            return f"Approved on {_day(r.approved_at)}" if r.approved_at else "Approved"
        if stage == Stage.AWAITING_APPROVAL:
            since = f" since {_day(r.submitted_at)}" if r.submitted_at else ""
            return f"Submitted{since}: awaiting a manager's approval"
        if stage == Stage.IN_PROGRESS:
            return f"Due when the quarter ends on {_day(self.end)}"
        if stage == Stage.OVERDUE:
            days = (self.today - self.end).days
            return f"Overdue: due {_day(self.end)}, {days} days ago"
        return f"Due now: overdue after {_day(self.overdue_from)}"

    @property
    def after_tag(self) -> str:
        """The dates that follow the stage's tag, which names the stage already ("Overdue"
        tag, then "due 31 December 2019, 54 days ago")."""
        stage = self.stage
        r = self.quarterly_return
        if stage == Stage.APPROVED:
            return f"on {_day(r.approved_at)}" if r and r.approved_at else ""
        if stage == Stage.AWAITING_APPROVAL:
            return f"since {_day(r.submitted_at)}" if r and r.submitted_at else ""
        if stage == Stage.IN_PROGRESS:
            return f"until {_day(self.end)}"
        if stage == Stage.OVERDUE:
            return f"due {_day(self.end)}, {(self.today - self.end).days} days ago"
        return f"overdue after {_day(self.overdue_from)}"


def _next_end(end: datetime.date) -> datetime.date:
    return quarter_end_for(end + datetime.timedelta(days=1))


def _first_end(contract: Contract, earliest: datetime.date | None, today) -> datetime.date:
    if earliest is not None:
        first = earliest
    else:
        first = quarter_end_for(today)
        for _ in range(FIRST_RETURN_LOOKBACK_QUARTERS):
            first = quarter_end_for(first.replace(day=1) - datetime.timedelta(days=80))
    if contract.start_date:
        first = max(first, quarter_end_for(contract.start_date))
    return first


def _last_end(contract: Contract, today: datetime.date) -> datetime.date:
    last = quarter_end_for(today)
    end = contract.current_end_date
    return min(last, quarter_end_for(end)) if end else last


class Held(NamedTuple):
    """What the walk over a contract's quarters needs of a return. The home page walks every
    return of fifty contracts and lists a few: it reads these light rows for all, and whole
    returns only for the quarters it lists."""

    pk: int
    contract_id: int
    end: datetime.date
    state: str
    approved_at: datetime.datetime | None

    @classmethod
    def of(cls, quarterly_return: QuarterlyReturn) -> Held:
        r = quarterly_return
        return cls(r.pk, r.contract_id, r.period.end_date, r.state, r.approved_at)


class Walked(NamedTuple):
    """A quarter that needs someone's attention, with its return if one was started."""

    contract: Contract
    end: datetime.date
    held: Held | None


def quarters_for(
    contracts: Iterable[Contract],
    today: datetime.date,
    returns: Iterable[QuarterlyReturn] | None = None,
) -> list[QuarterDue]:
    """Every quarter of `contracts` that needs someone's attention, oldest first per contract:
    ended and not approved, started early, or approved within the last few weeks.

    Two queries whatever the number of contracts: the returns (unless the caller has them, with
    their periods), and the extensions that say when each contract ends.
    """
    contracts = list(contracts)
    if returns is None:
        returns = QuarterlyReturn.objects.filter(contract__in=contracts).select_related("period")
    by_pk = {r.pk: r for r in returns}
    walked = _walk(contracts, today, [Held.of(r) for r in by_pk.values()])
    return [_quarter_due(w, by_pk, today) for w in walked]


def home_panel(
    contracts: Iterable[Contract],
    today: datetime.date,
    held: Iterable[Held],
    keep: int = RECENTLY_APPROVED_LISTED,
) -> tuple[list[QuarterDue], int]:
    """`quarters_for` from the light rows of every return of `contracts`, with only the `keep`
    latest approvals (`latest_approvals_only`), and how many approvals were left out. Reads
    the returns of the quarters listed, in one query, and the contracts' extensions."""
    listed, left_out = latest_approvals_only(_walk(list(contracts), today, held), keep)
    pks = [w.held.pk for w in listed if w.held is not None]
    by_pk = QuarterlyReturn.objects.select_related("period").in_bulk(pks) if pks else {}
    return [_quarter_due(w, by_pk, today) for w in listed], left_out


def _quarter_due(walked: Walked, by_pk: dict[int, QuarterlyReturn], today) -> QuarterDue:
    quarterly_return = by_pk[walked.held.pk] if walked.held is not None else None
    return QuarterDue(walked.contract, walked.end, quarterly_return, today)


def _walk(contracts: list[Contract], today: datetime.date, held: Iterable[Held]) -> list[Walked]:
    prefetch_related_objects(contracts, "extensions")
    by_contract: dict[int, dict[datetime.date, Held]] = {c.pk: {} for c in contracts}
    for h in held:
        by_contract[h.contract_id][h.end] = h
    recent = _recent_since(today)
    found = []
    for contract in contracts:
        of_contract = by_contract[contract.pk]
        end = _first_end(contract, min(of_contract, default=None), today)
        last = _last_end(contract, today)
        while end <= last:
            started = of_contract.get(end)
            # Most quarters of a long contract were approved long ago: passed over before any
            # work, as the home page walks every quarter of fifty contracts.
            if started is None:
                if end < today:
                    found.append(Walked(contract, end, None))
            elif started.state != ReturnState.APPROVED or _approved_since(started, recent):
                found.append(Walked(contract, end, started))
            end = _next_end(end)
    return found


def _recent_since(today: datetime.date) -> datetime.datetime:
    """The first moment of the first of the days an approval stays listed, on the council's
    clock: an approval at or after it was made on one of those days."""
    first_day = today - datetime.timedelta(days=RECENTLY_APPROVED_DAYS)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))


def _approved_since(held: Held, moment: datetime.datetime) -> bool:
    return held.approved_at is not None and held.approved_at >= moment


def _approval(walked: Walked) -> tuple[datetime.datetime, datetime.date]:
    """When an approved quarter was approved, then the quarter."""
    assert walked.held is not None and walked.held.approved_at is not None
    return walked.held.approved_at, walked.end


def _is_approved(walked: Walked) -> bool:
    return walked.held is not None and walked.held.state == ReturnState.APPROVED


def latest_approvals_only(
    walked: Iterable[Walked], keep: int = RECENTLY_APPROVED_LISTED
) -> tuple[list[Walked], int]:
    """`walked` in its order with only the `keep` most recently approved of those approved
    (the later quarter first where two were approved at the same moment), and how many approved
    ones were left out."""
    walked = list(walked)
    approved = [w for w in walked if _is_approved(w)]
    latest = sorted(approved, key=_approval, reverse=True)[:keep]
    kept = {id(w) for w in latest}
    listed = [w for w in walked if not _is_approved(w) or id(w) in kept]
    return listed, len(approved) - len(latest)


def quarter_for(quarterly_return: QuarterlyReturn, today: datetime.date) -> QuarterDue:
    return QuarterDue(
        quarterly_return.contract, quarterly_return.period.end_date, quarterly_return, today
    )


def startable(
    contract: Contract, items: Iterable[QuarterDue], today: datetime.date
) -> list[datetime.date]:
    """The contract's quarters that may be started: those listed without a return, and the
    current one; the quarter just ended first, as it is the one an officer most often starts."""
    items = [i for i in items if i.contract.pk == contract.pk]
    ends = [i.end for i in items if i.quarterly_return is None]
    current = quarter_end_for(today)
    if current <= _last_end(contract, today) and all(i.end != current for i in items):
        ends.append(current)
    return sorted(ends, key=lambda end: (end >= today, -end.toordinal()))
