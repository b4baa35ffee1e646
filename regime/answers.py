"""Where an app built on the regime says what answers a persistent failure (the plans app: the
supplier's rectification plan), so that the regime's pages link it without importing that app.

A source registers from its `AppConfig.ready()` and is asked once per page, only where the page
shows a persistent failure: one query, whatever the number of failures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """Something that answers a KPI's failure in the quarters from `first` to `last` (their end
    dates), with its name and address."""

    kpi_id: int
    first: datetime.date
    last: datetime.date
    label: str
    url: str

    def answers(self, escalation) -> bool:
        return escalation.kpi.pk == self.kpi_id and any(
            self.first <= p.end_date <= self.last for p in escalation.periods
        )


# (contract) -> answers anyone may read, since the regime shows approved quarters to everyone.
AnswerSource = Callable[..., list[Answer]]

_sources: list[AnswerSource] = []


def register_answers(source: AnswerSource) -> None:
    _sources.append(source)


def attach(contract, escalations: Iterable) -> None:
    """Give each persistent failure (`regime.ledger.EscalationRow`) its `answers`."""
    escalations = list(escalations)
    if not escalations or not _sources:
        return
    found = [answer for source in _sources for answer in source(contract)]
    for escalation in escalations:
        escalation.answers = [a for a in found if a.answers(escalation)]
