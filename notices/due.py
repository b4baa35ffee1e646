"""Which notices each contract under the Procurement Act 2023 owes, and when: the 12-monthly
notice, one per breach not yet noticed, and one on termination. Also the contracts that publish
fewer than three KPIs. A fixed number of queries for any number of contracts (none at all
where no contract given is under the Act).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from contracts.models import Contract, Extension
from kpis.models import Kpi
from kpis.reads import contract_tables, together
from notices import rules
from notices.choices import NoticeKind
from notices.models import Breach, PerformanceNotice

# Section 52(1): at least three KPIs for a contract worth £5 million or more.
FEWEST_PUBLISHED_KPIS = 3


@dataclass
class DueNotice:
    contract: Contract
    kind: str
    due_on: datetime.date
    clock: rules.Clock
    breach: Breach | None = None

    @property
    def label(self) -> str:
        if self.kind == NoticeKind.BREACH and self.breach is not None:
            return (
                f"Notice after the breach of {self.breach.occurred_on:%-d %B %Y} "
                f"({self.breach.get_outcome_display().lower()})"
            )
        if self.kind == NoticeKind.TERMINATION:
            return "Notice on termination"
        return "Contract Performance Notice (at least once every 12 months)"

    @property
    def draft_url(self) -> str:
        url = reverse("notice_new", args=[self.contract.code]) + f"?kind={self.kind}"
        if self.breach is not None:
            url += f"&breach={self.breach.pk}"
        return url


@dataclass
class ContractNotices:
    """One contract's notices owed, and how many KPIs it publishes."""

    contract: Contract
    published_kpis: int
    due: list[DueNotice]

    @property
    def too_few_published(self) -> bool:
        return (
            self.contract.needs_performance_notices and self.published_kpis < FEWEST_PUBLISHED_KPIS
        )

    @property
    def attention(self) -> list[DueNotice]:
        """Notices overdue or due within `rules.DUE_SOON_DAYS`."""
        return [d for d in self.due if d.clock.due_soon]


def _termination_day(
    contract: Contract, extended: dict[int, datetime.date]
) -> datetime.date | None:
    if contract.terminated_on:
        return contract.terminated_on
    ends = [day for day in (contract.end_date, extended.get(contract.pk)) if day]
    return max(ends) if ends else None


NOTICES = "notices.published"
BREACHES = "notices.breaches"
PUBLISHED_KPIS = "notices.published_kpis"


def _published(contracts):
    return PerformanceNotice.objects.published().filter(contract__in=contracts)


def _breaches(contracts):
    return Breach.objects.filter(contract__in=contracts).order_by("occurred_on", "pk")


def register() -> None:
    """One contract's rows are small tables (`kpis.reads.together`): its scorecard reads them
    with the rest of its small tables."""
    together.register(NOTICES, lambda c: _published([c.pk]))
    together.register(BREACHES, lambda c: _breaches([c.pk]))
    together.register(
        PUBLISHED_KPIS, lambda c: Kpi.objects.filter(contract=c, published=True).only("pk")
    )


def _read(under: list[Contract]) -> tuple[list[tuple], list[Breach], dict[int, int], list]:
    """The published notices (contract, kind, breach, approval), breaches, count of published
    KPIs by contract and extensions (contract, end) of the contracts `under` the Act: for one
    contract from its small tables (one query, none where the page preloaded them), for many
    one query each."""
    if len(under) == 1:
        contract = under[0]
        small = together.tables_of(
            contract, (NOTICES, BREACHES, PUBLISHED_KPIS, contract_tables.EXTENSIONS)
        )
        return (
            [(n.contract_id, n.kind, n.breach_id, n.approved_at) for n in small[NOTICES]],
            small[BREACHES],
            {contract.pk: len(small[PUBLISHED_KPIS])},
            [(e.contract_id, e.end_date) for e in small[contract_tables.EXTENSIONS]],
        )
    ids = [c.pk for c in under]
    published = _published(ids).values_list("contract_id", "kind", "breach_id", "approved_at")
    counts = dict(
        Kpi.objects.filter(contract__in=ids)
        .values("contract")
        .annotate(n=Count("pk", filter=Q(published=True)))
        .values_list("contract", "n")
    )
    extensions = Extension.objects.filter(contract__in=ids).values_list("contract_id", "end_date")
    return list(published), list(_breaches(ids)), counts, list(extensions)


def owed(contracts: Iterable[Contract], today: datetime.date) -> list[ContractNotices]:
    """The notices each contract under the Act owes, soonest first; contracts not under the Act
    are left out."""
    under = [c for c in contracts if c.procured_under_act]
    if not under:
        return []
    published, all_breaches, counts, extensions = _read(under)
    last_periodic: dict[int, datetime.date] = {}
    noticed_breaches: set[int] = set()
    terminated: set[int] = set()
    for contract_id, kind, breach_id, approved_at in published:
        day = approved_at.date()
        if kind == NoticeKind.PERIODIC:
            last_periodic[contract_id] = max(day, last_periodic.get(contract_id, day))
        elif kind == NoticeKind.BREACH:
            noticed_breaches.add(breach_id)
        else:
            terminated.add(contract_id)
    breaches: dict[int, list[Breach]] = {}
    for breach in all_breaches:
        if breach.pk not in noticed_breaches:
            breaches.setdefault(breach.contract_id, []).append(breach)
    extended: dict[int, datetime.date] = {}
    for contract_id, end in extensions:
        if end and (contract_id not in extended or end > extended[contract_id]):
            extended[contract_id] = end
    found = []
    for contract in under:
        due = []
        periodic = rules.next_periodic_due(last_periodic.get(contract.pk), contract.start_date)
        if periodic:
            due.append(
                DueNotice(contract, NoticeKind.PERIODIC, periodic, rules.Clock(periodic, today))
            )
        for breach in breaches.get(contract.pk, []):
            day = breach.notice_due_on
            due.append(DueNotice(contract, NoticeKind.BREACH, day, rules.Clock(day, today), breach))
        ends = _termination_day(contract, extended)
        if ends and contract.pk not in terminated:
            due.append(DueNotice(contract, NoticeKind.TERMINATION, ends, rules.Clock(ends, today)))
        due.sort(key=lambda d: d.due_on)
        found.append(ContractNotices(contract, counts.get(contract.pk, 0), due))
    return found
