"""The financial year (April to March) and its year to date, as the committee reads them.

A year to date adds up the counts of the year's approved quarters, as table 4.3 of the seed
report counts each quarter: a KPI judged in four quarters is measured four times. A quarter in
progress never counts, whoever reads: the year to date is the committee's figure, the same on
every page, pack and download.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kpis.models.period import ReportingPeriod, financial_year_label
from kpis.permissions.sight import PUBLIC


@dataclass(frozen=True)
class Year:
    """One financial year of a contract: `periods` are its approved quarters counted in the
    year to date (up to a pack's quarter, for a pack), oldest first."""

    financial_year: int
    periods: tuple[ReportingPeriod, ...]

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def span(self) -> str:
        """The quarters counted, in words: "Jun-18 to Mar-19", "Jun-19", or none yet."""
        if not self.periods:
            return "no quarter approved yet"
        first, last = self.periods[0].label, self.periods[-1].label
        return first if first == last else f"{first} to {last}"

    @property
    def period_ids(self) -> list[int]:
        return [p.pk for p in self.periods]


def years_held(periods: Iterable[ReportingPeriod]) -> list[int]:
    """The financial years the contract holds a return in, the latest first."""
    return sorted({p.financial_year for p in periods}, reverse=True)


def default_year(periods: Sequence[ReportingPeriod]) -> int | None:
    """The latest financial year with an approved quarter: a return started in a later year
    (by mistake, or early) does not move a reader on to an empty year. A contract with nothing
    approved yet starts at its latest year held."""
    approved = [p.financial_year for p in periods if PUBLIC.shows(p)]
    held = approved or [p.financial_year for p in periods]
    return max(held, default=None)


def quarters_of(periods: Iterable[ReportingPeriod], financial_year: int) -> list[ReportingPeriod]:
    """The held quarters of one financial year, oldest first."""
    return [p for p in periods if p.financial_year == financial_year]


def year_of(
    periods: Iterable[ReportingPeriod], financial_year: int, *, up_to: ReportingPeriod | None = None
) -> Year:
    """The year `financial_year` of a contract whose quarters (`ReportingPeriod.objects
    .for_contract`) are `periods`: its approved quarters, up to `up_to` where given."""
    counted = [
        p
        for p in quarters_of(periods, financial_year)
        if PUBLIC.shows(p) and (up_to is None or p.end_date <= up_to.end_date)
    ]
    return Year(financial_year, tuple(sorted(counted, key=lambda p: p.end_date)))
