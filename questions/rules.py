"""The rules of committee questions, in plain Python: which pack first carries a question, when
a question is still open, and whether the figure it asked about has changed since.

No database here: the models and read models call these with what they have read.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum

from kpis.models.period import quarter_end_for


def first_pack_quarter(asked_about: datetime.date | None, asked_on: datetime.date) -> datetime.date:
    """The last day of the quarter whose committee pack first lists the question: the quarter
    it asks about, or else the quarter it was asked in (a question put at the meeting on one
    quarter's pack is carried by the next). Every later pack carries it while it stays open."""
    return asked_about or quarter_end_for(asked_on)


def still_open(*, answered: bool, open_actions: int) -> bool:
    """Unanswered, or answered with an agreed action not yet closed."""
    return not answered or open_actions > 0


class FigureChange(StrEnum):
    """What became of the figure a question asked about."""

    # The question names no KPI's quarter: there is no figure to follow.
    NONE = "none"
    SAME = "same"
    # Approved again with another figure (or reason it was not measured): a restatement.
    CHANGED = "changed"
    # Reopened since, so that its figure may change: nobody but those working on the contract
    # sees what it is meanwhile.
    REOPENED = "reopened"


def figure_change(
    *,
    about_a_figure: bool,
    asked: tuple[Decimal | None, str],
    now: tuple[Decimal | None, str | None],
    approved_now: bool,
) -> FigureChange:
    """Compare the figure as it was when asked (value, reason not measured) with the approved
    one now. A quarter no longer approved is reopened: its draft figure is never compared, so
    nothing of it shows to those who may not see drafts."""
    if not about_a_figure:
        return FigureChange.NONE
    if not approved_now:
        return FigureChange.REOPENED
    was_value, was_reason = asked
    now_value, now_reason = now
    if was_value != now_value or (was_reason or "") != (now_reason or ""):
        return FigureChange.CHANGED
    return FigureChange.SAME
