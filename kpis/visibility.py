"""Whose figures a reader sees: the permission table's "see the figures" row, applied to pages,
downloads, the API and open data.

The committee, other contracts' officers and anything published (packs, downloads, the API, the
open-data file) read approved quarters only; a quarter in progress shows as in progress, without
its figures. Those working on a contract also see its drafts, marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from contracts.roles import Part, Role, contracts_worked_on, has_role, part_in
from kpis.choices import ReturnState
from kpis.permissions import NO_RETURN, STATES, TABLE, Action


def readable_states(part: Part | None) -> frozenset[str]:
    """The return states in which `part` sees a quarter's figures."""
    return frozenset(s for s in STATES if part in TABLE[Action.READ][s])


# Packs, downloads, the API and open data show what anyone signed in may read.
PUBLIC_STATES = readable_states(Part.OTHER)
# A reader who sees these sees work in progress, and so the history of drafts.
DRAFT_STATES = frozenset({ReturnState.DRAFT, ReturnState.SUBMITTED})


def _in_states(states: frozenset[str], contract: str, period: str) -> Q:
    QuarterlyReturn = apps.get_model("kpis", "QuarterlyReturn")
    if states >= frozenset(STATES):
        return Q()
    returns = QuarterlyReturn.objects.filter(contract=OuterRef(contract), period=OuterRef(period))
    q = Q(Exists(returns.filter(state__in=sorted(states - {NO_RETURN}))))
    if NO_RETURN in states:
        q |= ~Q(Exists(returns))
    return q


def readable_q(user=None, *, contract: str = "kpi__contract", period: str = "period") -> Q:
    """Rows whose contract's quarter `user` may see the figures of; None means the public.

    `contract` and `period` name the row's fields for the two, so that the same rule filters
    readings, their history and anything else tied to a contract's quarter.
    """
    if user is None:
        return _in_states(PUBLIC_STATES, contract, period)
    worked = contracts_worked_on(user)
    if worked is None:
        return _in_states(readable_states(Part.ADMINISTRATOR), contract, period)
    outsider = Part.COMMITTEE if has_role(user, Role.COMMITTEE) else Part.OTHER
    q = _in_states(readable_states(outsider), contract, period)
    by_part: dict[Part, list[int]] = {}
    for contract_id in sorted(worked):
        by_part.setdefault(part_in(user, contract_id), []).append(contract_id)
    for part, ids in by_part.items():
        q |= Q(**{f"{contract}__in": ids}) & _in_states(readable_states(part), contract, period)
    return q


@dataclass(frozen=True)
class Sight:
    """Which of one contract's quarters a reader sees the figures of.

    Works on periods from `ReportingPeriod.objects.for_contract`, which carry `return_state`.
    """

    readable: frozenset[str]

    @classmethod
    def of(cls, user, contract) -> Sight:
        return cls(readable_states(part_in(user, contract.pk)))

    def shows(self, period) -> bool:
        return _state(period) in self.readable

    def is_draft(self, period) -> bool:
        """Shown, but not yet approved: figures that may still change."""
        return self.shows(period) and _state(period) != ReturnState.APPROVED

    def shown(self, periods: Iterable) -> list:
        return [p for p in periods if self.shows(p)]

    def any_draft(self, periods: Sequence) -> bool:
        return any(self.is_draft(p) for p in periods)


PUBLIC = Sight(PUBLIC_STATES)


def _state(period) -> str:
    return getattr(period, "return_state", None) or NO_RETURN
