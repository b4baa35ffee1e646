"""Whose figures a reader sees: the permission table's "see the figures" row, applied to pages
(one contract at a time, `Sight`) and to downloads, the API and open data (`PUBLIC_STATES`, which
`kpis.models.returns.public_q` applies to readings).

The committee, other contracts' officers and anything published (packs, downloads, the API, the
open-data file) read approved quarters only; a quarter in progress shows as in progress, without
its figures. Those working on a contract also see its drafts, marked as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from contracts.roles import Part, part_in
from kpis.choices import ReturnState
from kpis.permissions import NO_RETURN, STATES, TABLE, Action


def readable_states(part: Part | None) -> frozenset[str]:
    """The return states in which `part` sees a quarter's figures."""
    return frozenset(s for s in STATES if part in TABLE[Action.READ][s])


# Packs, downloads, the API and open data show what anyone signed in may read.
PUBLIC_STATES = readable_states(Part.OTHER)
# A reader who sees these sees work in progress, and so the history of drafts.
DRAFT_STATES = frozenset({ReturnState.DRAFT, ReturnState.SUBMITTED})


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
    # A period without `return_state` is a caller's mistake, and must not pass for "not started".
    return period.return_state or NO_RETURN
