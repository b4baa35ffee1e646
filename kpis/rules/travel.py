"""Direction of travel: whether a KPI's figure has got better or worse since an earlier quarter.

Pure Python with no database access, like the status rule (`kpis.rules.status`): the grid, the
API and the downloads describe each side of the comparison as a `Figure` and ask `compare`.

Each quarter shown is compared twice:

- with **the previous quarter**: the quarter before it, across the turn of the year (Q1 of
  2019/20, Jun-19, compares with Q4 of 2018/19, Mar-19). For a KPI that is not due every quarter
  (an annual KPI, due at the year end) it is the previous quarter in which the KPI was due: the
  latest year end before the quarter shown. Figures a report gives for it in the quarters
  between are still shown and judged, each compared with that year end and with a year before;
- with **the same quarter a year before**: four quarters back, whatever the KPI's frequency.

The answer is one of four (`Travel`), in the KPI's own direction, with a note in words:

1. *not comparable* where the KPI has no direction (data only: no figure is better than another);
   where either quarter has no figure that stands for it (not measured, missing, no reading, no
   return held, suspended, not in force, or not yet approved for this reader); where the two
   figures are in different units ("Reported in number of failures in Dec-18, percentage in
   Mar-19");
2. *no change* where the two figures are equal, whatever the targets;
3. *not comparable* where two different figures are both in a unit other than the KPI's own:
   which way is better in that unit is not known;
4. otherwise *improving* or *worsening*: a higher figure is better for a higher-is-better KPI
   and worse for a lower-is-better one.

A change of target or thresholds between the two quarters does not stop the comparison (the
figure is the same measure against a different bar), but it is noted: "Target changed from
≥ 90% to ≥ 95%." So is a comparison with a quarter whose figures are not yet approved, which only
those working on the contract are ever shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from kpis.choices import Direction, Frequency
from kpis.rules.quarters import previous_end
from kpis.rules.status import Rule


class Travel(models.TextChoices):
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    NO_CHANGE = "no_change", "No change"
    NOT_COMPARABLE = "not_comparable", "Not comparable"


# A symbol beside every word, so that the direction never rests on colour (or shape) alone.
SYMBOLS = {
    Travel.IMPROVING: "↗",
    Travel.WORSENING: "↘",
    Travel.NO_CHANGE: "→",
    Travel.NOT_COMPARABLE: "\u2013",  # an en dash
}

# How a target reads where a quarter has none (`kpis.reads.display.DATA_ONLY_TARGET`).
NO_TARGET = "Data only"


def label(end: datetime.date) -> str:
    """A quarter as reports print it: `Jun-18` (`ReportingPeriod.label`)."""
    return end.strftime("%b-%y")


def year_before_end(end: datetime.date) -> datetime.date:
    """The same quarter a year before: every quarter ends on a day that each year has."""
    return end.replace(year=end.year - 1)


def previous_due_end(end: datetime.date, frequency: str) -> datetime.date:
    """The previous quarter in which a KPI of `frequency` was due (`Kpi.is_due`): the quarter
    before for monthly and quarterly KPIs, the latest year end (31 March) before for annual ones.
    """
    earlier = previous_end(end)
    if frequency == Frequency.ANNUAL:
        while earlier.month != 3:
            earlier = previous_end(earlier)
    return earlier


def comparison_ends(end: datetime.date, frequency: str) -> tuple[datetime.date, datetime.date]:
    """The quarters the quarter ending `end` is compared with: (previous, a year before)."""
    return previous_due_end(end, frequency), year_before_end(end)


@dataclass(frozen=True)
class Figure:
    """One side of a comparison: a KPI's figure in one quarter, as the comparison needs it.

    `absent` says why there is no figure to compare ("not measured", "suspended", "not yet
    approved"), and is empty where there is one. `unit` is the figure's unit's code and
    `unit_label` its name; `target` is the target in force as written ("≥ 90%"), `rule` the whole
    rule, so that a change of thresholds alone is noted too.
    """

    end: datetime.date
    value: Decimal | None = None
    unit: str = ""
    unit_label: str = ""
    target: str = ""
    rule: Rule | None = None
    absent: str = ""
    draft: bool = False

    @property
    def label(self) -> str:
        return label(self.end)

    @property
    def stands(self) -> bool:
        return not self.absent and self.value is not None


@dataclass(frozen=True)
class Comparison:
    """The direction of travel from the quarter ending `compared_with` to the one shown."""

    travel: Travel
    compared_with: datetime.date
    note: str = ""

    @property
    def since(self) -> str:
        return label(self.compared_with)

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.travel]

    @property
    def label(self) -> str:
        return self.travel.label

    @property
    def joint(self) -> str:
        """The word before the quarter compared with."""
        return "with" if self.travel == Travel.NOT_COMPARABLE else "since"

    @property
    def text(self) -> str:
        """In words: 'Improving since Jun-19', 'Not comparable with Jun-19'."""
        return f"{self.travel.label} {self.joint} {self.since}"

    @property
    def full_text(self) -> str:
        """The words and the note, for plain text: downloads and screen readers."""
        return f"{self.text}. {self.note}" if self.note else self.text


def compare(now: Figure, then: Figure, *, direction: str, unit: str) -> Comparison:
    """The direction of travel from `then` to `now` for a KPI of `direction` measured in `unit`
    (its own unit's code)."""

    def answer(travel: Travel, note: str = "") -> Comparison:
        return Comparison(travel, then.end, note)

    if not direction:
        return answer(Travel.NOT_COMPARABLE, "Data only: no figure is better than another.")
    for side in (now, then):
        if not side.stands:
            reason = side.absent or "no figure"
            return answer(Travel.NOT_COMPARABLE, f"No figure in {side.label}: {reason}.")
    if now.unit != then.unit:
        return answer(
            Travel.NOT_COMPARABLE,
            f"Reported in {then.unit_label.lower()} in {then.label}, "
            f"{now.unit_label.lower()} in {now.label}.",
        )
    assert now.value is not None and then.value is not None
    note = _notes(now, then)
    if now.value == then.value:
        return answer(Travel.NO_CHANGE, note)
    if now.unit != unit:
        return answer(
            Travel.NOT_COMPARABLE,
            f"Reported in {now.unit_label.lower()}, not the KPI's own unit: which way is better "
            "is not known.",
        )
    higher = now.value > then.value
    better = higher if direction == Direction.HIGHER else not higher
    return answer(Travel.IMPROVING if better else Travel.WORSENING, note)


def _notes(now: Figure, then: Figure) -> str:
    """What qualifies a comparison that stands: a change of rule, a quarter not yet approved."""
    notes = []
    if now.target != then.target:
        notes.append(f"Target changed from {_target(then.target)} to {_target(now.target)}.")
    elif now.rule is not None and then.rule is not None and now.rule != then.rule:
        notes.append(f"Thresholds changed since {then.label}.")
    if then.draft:
        notes.append(f"{then.label}'s figures are not yet approved.")
    return " ".join(notes)


def _target(text: str) -> str:
    return "none (data only)" if not text or text == NO_TARGET else text
