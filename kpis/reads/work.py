"""Each person's work queue, "My work": one list for the page, the count in the header and the
daily reminder email, so that the three never disagree.

A person's work lies on the contracts assigned to them, and what they are asked to do is what the
permission table (`kpis.permissions`) lets them do there: an officer starts and submits the
returns due, a manager approves those submitted by someone else and decides suspension requests.
Apps built on `kpis` add their own items through `register_source` from their hooks (questions to
answer and actions owned, answers for the committee member who asked, rectification plans and
their actions, Contract Performance Notices due), so that `kpis` never names them.

Everything is read for many people at once (`work_for`): each source reads a fixed number of
queries however many people and contracts there are, so a reminder run costs what one page does.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from contracts.models import Assignment, Contract
from contracts.roles import (
    Role,
    assigned_contract_ids,
    has_role,
    remember_assignments,
    remember_roles,
    remember_roles_and_assignments,
)
from kpis.models import QuarterlyReturn, SuspensionRequest
from kpis.permissions import Action, may_ever, refusal
from kpis.rules import due
from kpis.rules.due import QuarterDue, Stage


@dataclass
class WorkItem:
    """One thing one person is asked to do (or, for the committee, to read)."""

    # Which list it belongs to on the page: one of HEADINGS' keys, or a registered one.
    kind: str
    title: str
    contract: Contract
    # The path of the page where it is done.
    link: str
    due_on: datetime.date | None = None
    overdue: bool = False
    # Where it stands, in words ("Overdue: due 31 December 2019, 11 days ago").
    status: str = ""
    # Why it is on the list, when someone gave a reason (a return sent back, a request).
    reason: str = ""
    # A return listed carries its "Returned" or "Reopened" tag.
    quarterly_return: QuarterlyReturn | None = None
    # What the reminder log keys it on: a day and a stage (up to 20 characters) on its contract,
    # so that a daily email does not repeat it the same day.
    reminder_day: datetime.date | None = None
    reminder_stage: str = ""

    @property
    def reminder_key(self) -> tuple[int, datetime.date, str]:
        day = self.reminder_day or self.due_on or datetime.date.min
        return (self.contract.pk, day, self.reminder_stage or self.kind)


@dataclass
class Asked:
    """The people whose work is read, and what every source needs about them, read once."""

    people: list[User]
    today: datetime.date
    # Every contract any of them is assigned to, by id.
    contracts: dict[int, Contract]
    # Each person's assigned contract ids.
    assigned: dict[int, set[int]] = field(default_factory=dict)

    def contracts_of(self, person: User) -> list[Contract]:
        ids = self.assigned.get(person.pk, set())
        return [c for pk, c in sorted(self.contracts.items()) if pk in ids]

    def working(self) -> list[User]:
        return [p for p in self.people if self.assigned.get(p.pk)]


# source(asked) -> (person, item) pairs
Source = Callable[[Asked], Iterable[tuple[User, WorkItem]]]

# The lists of the page, in their order; apps add theirs with `register_source`.
HEADINGS: dict[str, str] = {
    "returned": "Returns sent back to you",
    "return_due": "Returns to complete and submit",
    "awaiting_approval": "Returns awaiting your approval",
    "suspension_request": "Suspension requests to decide",
}

_sources: list[Source] = []
# Told when a person opens "My work" (person, moment): the committee's answers are new until then.
_on_open: list[Callable[[User, datetime.datetime], None]] = []


def register_source(source: Source, headings: dict[str, str] | None = None) -> None:
    """Add an app's items to everyone's work; `headings` names the lists its kinds go in."""
    if source not in _sources:
        _sources.append(source)
    for kind, heading in (headings or {}).items():
        HEADINGS.setdefault(kind, heading)


def register_opened(listener: Callable[[User, datetime.datetime], None]) -> None:
    if listener not in _on_open:
        _on_open.append(listener)


def opened(person: User, at: datetime.datetime) -> None:
    """Record that `person` has seen their work as listed at `at`."""
    for listener in _on_open:
        listener(person, at)


def work_for(people: Sequence[User], today: datetime.date) -> dict[int, list[WorkItem]]:
    """Each person's items by their id, overdue first within each list, then by due date.

    Reads the people's roles and assignments (unless already read for them) and their
    contracts, then each source once for everyone.
    """
    people = list(people)
    remember_roles(people)
    working = [p for p in people if may_have_contracts(p)]
    unread = [p for p in working if not hasattr(p, "_assigned_contract_ids")]
    if unread:
        remember_assignments(unread, Assignment.objects.filter(user__in=unread))
    assigned = {p.pk: assigned_contract_ids(p) for p in working}
    ids = set().union(*assigned.values()) if assigned else set()
    contracts = {c.pk: c for c in Contract.objects.filter(pk__in=ids)} if ids else {}
    asked = Asked(people, today, contracts, assigned)
    found: dict[int, list[WorkItem]] = {p.pk: [] for p in people}
    for source in [_returns, _suspension_requests, *_sources]:
        for person, item in source(asked):
            found[person.pk].append(item)
    order = {kind: n for n, kind in enumerate(HEADINGS)}
    for items in found.values():
        items.sort(
            key=lambda i: (
                order.get(i.kind, len(order)),
                not i.overdue,
                i.due_on or datetime.date.max,
                i.contract.code,
                i.title,
            )
        )
    return found


def may_have_contracts(person: User) -> bool:
    """Whether a person's assignments give them work: an officer's, a manager's or an
    administrator's. Nobody else's are read."""
    return person.is_superuser or has_role(person, Role.OFFICER) or has_role(person, Role.MANAGER)


def work_of(person: User, today: datetime.date) -> list[WorkItem]:
    """One person's items, their roles and assignments read first together in one query (rather
    than each for many people at once, as `work_for` reads them)."""
    remember_roles_and_assignments(person)
    return work_for([person], today)[person.pk]


@dataclass
class Group:
    kind: str
    heading: str
    items: list[WorkItem]


def grouped(items: Iterable[WorkItem]) -> list[Group]:
    """The items under their headings, in the page's order."""
    groups: dict[str, Group] = {}
    for item in items:
        if item.kind not in groups:
            groups[item.kind] = Group(item.kind, HEADINGS.get(item.kind, item.kind), [])
        groups[item.kind].items.append(item)
    return list(groups.values())


def overdue_count(items: Iterable[WorkItem]) -> int:
    return sum(1 for item in items if item.overdue)


# kpis' own items: returns and suspension requests.

# Which stages of a return each role is asked to act on.
STAGES_BY_ROLE = {
    Role.OFFICER: (Stage.DUE, Stage.OVERDUE),
    Role.MANAGER: (Stage.AWAITING_APPROVAL,),
}


def _asked_of(q: QuarterDue) -> Action:
    """What the return's stage asks of its reader."""
    if q.stage == Stage.AWAITING_APPROVAL:
        return Action.APPROVE
    return Action.SUBMIT if q.quarterly_return else Action.START


def _sent_back(q: QuarterDue) -> bool:
    r = q.quarterly_return
    return r is not None and r.state == "draft" and bool(r.back_to_draft)


def _return_link(q: QuarterDue) -> str:
    if q.quarterly_return is None:
        return reverse("my_returns")
    return reverse("return_detail", args=[q.contract.code, q.end.isoformat()])


def _return_item(q: QuarterDue) -> WorkItem:
    sent_back = _sent_back(q)
    if q.stage == Stage.AWAITING_APPROVAL:
        kind = "awaiting_approval"
    else:
        kind = "returned" if sent_back else "return_due"
    return WorkItem(
        kind=kind,
        title=f"{q.contract.code} {q.long_label}",
        contract=q.contract,
        link=_return_link(q),
        due_on=q.overdue_from if q.stage in (Stage.DUE, Stage.OVERDUE) else None,
        overdue=q.is_overdue,
        status=q.label,
        reason=q.quarterly_return.reopen_reason if sent_back and q.quarterly_return else "",
        quarterly_return=q.quarterly_return,
        reminder_day=q.end,
        # A return sent back is reminded of afresh, as its own stage.
        reminder_stage="returned" if sent_back and q.stage == Stage.IN_PROGRESS else q.stage,
    )


def _returns(asked: Asked) -> Iterable[tuple[User, WorkItem]]:
    """Officers: returns due, overdue and sent back to them; managers: returns awaiting their
    approval, never those they submitted (the table's second-person check)."""
    working = asked.working()
    if not working:
        return []
    quarters = due.quarters_for(asked.contracts.values(), asked.today)
    found = []
    for person in working:
        stages = [s for role, ss in STAGES_BY_ROLE.items() if has_role(person, role) for s in ss]
        ids = asked.assigned[person.pk]
        for q in quarters:
            if q.contract.pk not in ids:
                continue
            sent_back = _sent_back(q) and Stage.DUE in stages
            if q.stage not in stages and not sent_back:
                continue
            if refusal(person, _asked_of(q), q.quarterly_return, contract_id=q.contract.pk):
                continue
            found.append((person, _return_item(q)))
    return found


def _suspension_requests(asked: Asked) -> Iterable[tuple[User, WorkItem]]:
    """Managers: officers' requests to suspend a KPI, waiting for a decision."""
    deciders = {
        p.pk: [c for c in asked.contracts_of(p) if may_ever(p, Action.SUSPEND, c.pk)]
        for p in asked.working()
    }
    ids = {c.pk for contracts in deciders.values() for c in contracts}
    if not ids:
        return []
    pending = list(
        SuspensionRequest.objects.filter(
            kpi__contract__in=ids, state=SuspensionRequest.State.PENDING
        )
        .select_related("kpi")
        .order_by("requested_at", "pk")
    )
    found = []
    for person in asked.working():
        mine = {c.pk for c in deciders[person.pk]}
        for request in pending:
            if request.kpi.contract_id not in mine:
                continue
            contract = asked.contracts[request.kpi.contract_id]
            found.append(
                (
                    person,
                    WorkItem(
                        kind="suspension_request",
                        title=f"Suspend {request.kpi.reference} from "
                        f"{request.first_quarter:%-d %B %Y}?",
                        contract=contract,
                        link=reverse("suspension_request", args=[contract.code, request.pk]),
                        status=f"Asked on {timezone.localdate(request.requested_at):%-d %B %Y}",
                        reason=request.reason,
                        reminder_day=request.first_quarter,
                        reminder_stage=f"suspension:{request.pk}"[:20],
                    ),
                )
            )
    return found
