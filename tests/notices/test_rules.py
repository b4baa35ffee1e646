"""The rating rule and the clocks of Contract Performance Notices, without a database."""

import datetime
from pathlib import Path

import pytest

from kpis.rules.status import Status
from notices import rules
from notices.choices import Rating

D = datetime.date

MET, BELOW, DETRIMENT, FAILURE = "met", "below_target", "detriment", "failure"
SUSPENDED, NOT_MEASURED, MISSING, DATA_ONLY = "suspended", "not_measured", "missing", "data_only"
NOT_DUE, NOT_IN_FORCE, NO_READING = "not_due", "not_in_force", "no_reading"

# (statuses of the quarters read, persistent failure, rating proposed)
CASES = [
    # One status alone.
    ([MET], False, Rating.GOOD),
    ([BELOW], False, Rating.APPROACHING),
    ([DETRIMENT], False, Rating.REQUIRES_IMPROVEMENT),
    ([FAILURE], False, Rating.INADEQUATE),
    ([SUSPENDED], False, Rating.OTHER),
    ([NOT_MEASURED], False, Rating.OTHER),
    ([MISSING], False, Rating.OTHER),
    ([DATA_ONLY], False, Rating.OTHER),
    ([NOT_DUE], False, Rating.OTHER),
    ([NOT_IN_FORCE], False, Rating.OTHER),
    ([NO_READING], False, Rating.OTHER),
    ([], False, Rating.OTHER),
    # Mixtures: the worst counted quarter decides.
    ([MET, MET, MET, MET], False, Rating.GOOD),
    ([MET, BELOW, MET, MET], False, Rating.APPROACHING),
    ([BELOW, DETRIMENT, MET, BELOW], False, Rating.REQUIRES_IMPROVEMENT),
    ([MET, DETRIMENT, FAILURE, MET], False, Rating.INADEQUATE),
    # Suspended, not measured, data only and missing quarters never count, either way.
    ([SUSPENDED, MET, MET, MET], False, Rating.GOOD),
    ([SUSPENDED, SUSPENDED, BELOW, SUSPENDED], False, Rating.APPROACHING),
    ([NOT_MEASURED, MET, DATA_ONLY, MET], False, Rating.GOOD),
    ([SUSPENDED, NOT_MEASURED, DATA_ONLY, MISSING], False, Rating.OTHER),
    # A period with a missing quarter: the quarters held decide.
    ([MET, MET, MISSING], False, Rating.GOOD),
    ([MISSING, DETRIMENT, MET], False, Rating.REQUIRES_IMPROVEMENT),
    # A persistent failure is inadequate, even of quarters each only below target.
    ([BELOW, BELOW, BELOW, MET], True, Rating.INADEQUATE),
    ([MET, DETRIMENT, DETRIMENT], True, Rating.INADEQUATE),
    # With no counted quarter there is nothing to rate, persistent or not.
    ([SUSPENDED, MISSING], True, Rating.OTHER),
]


@pytest.mark.parametrize(("statuses", "persistent", "expected"), CASES)
def test_it_proposes_the_rating_of_the_worst_counted_quarter(statuses, persistent, expected):
    assert rules.propose_rating(statuses, persistent=persistent) == expected


def test_every_status_has_a_case():
    tried = {status for statuses, _, _ in CASES for status in statuses}
    assert set(Status.values) | {NO_READING} <= tried


def test_the_rule_is_stated_in_the_docs():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text()
    assert rules.RULE_TEXT in " ".join(docs.split())


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (D(2018, 4, 1), D(2019, 3, 31), ""),
        (D(2018, 7, 1), D(2019, 6, 30), ""),
        (D(2018, 4, 1), D(2019, 4, 1), "12 months at most"),
        (D(2018, 4, 1), D(2019, 6, 30), "12 months at most"),
        (D(2019, 3, 31), D(2018, 4, 1), "must end after it starts"),
        (D(2018, 4, 2), D(2018, 6, 30), "at least one whole quarter"),
    ],
)
def test_a_period_is_twelve_months_at_most_and_holds_a_whole_quarter(start, end, problem):
    found = rules.period_problems(start, end)
    if problem:
        assert problem in found["period_end"]
    else:
        assert found == {}


def test_the_quarters_of_a_period_are_those_wholly_inside_it():
    assert rules.quarter_ends_in(D(2018, 4, 1), D(2019, 3, 31)) == [
        D(2018, 6, 30),
        D(2018, 9, 30),
        D(2018, 12, 31),
        D(2019, 3, 31),
    ]
    # A period starting mid-quarter leaves that quarter out; one ending mid-quarter, the last.
    assert rules.quarter_ends_in(D(2018, 5, 1), D(2019, 2, 28)) == [
        D(2018, 9, 30),
        D(2018, 12, 31),
    ]


def test_the_period_offered_is_the_approved_quarters_since_the_last_notice_or_the_last_four():
    approved = [D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31), D(2019, 3, 31), D(2019, 6, 30)]
    assert rules.default_period(approved, None) == (D(2018, 7, 1), D(2019, 6, 30))
    assert rules.default_period(approved, D(2018, 12, 31)) == (D(2019, 1, 1), D(2019, 6, 30))
    # Nothing approved since the last notice: the last four again.
    assert rules.default_period(approved, D(2019, 6, 30)) == (D(2018, 7, 1), D(2019, 6, 30))
    assert rules.default_period([], None) is None


def test_the_twelve_month_clock_runs_across_a_financial_year():
    # From the contract's start, 24 February 2025, into the next financial year.
    assert rules.next_periodic_due(None, D(2025, 2, 24)) == D(2026, 2, 24)
    # From the last notice, published in the last days of 2024/25: due in 2025/26's last days.
    assert rules.next_periodic_due(D(2025, 3, 31), D(2020, 1, 1)) == D(2026, 3, 31)
    # A leap day is due on the last day of February.
    assert rules.next_periodic_due(D(2028, 2, 29), None) == D(2029, 2, 28)
    assert rules.next_periodic_due(None, None) is None


def test_the_twelve_month_clock_starts_no_earlier_than_the_act():
    # A contract let in 2009 and treated as under the Act owes its first notice a year after the
    # Act came into force, not a year after 2009.
    assert rules.next_periodic_due(None, D(2009, 4, 1)) == D(2026, 2, 24)
    assert rules.next_periodic_due(None, D(2025, 2, 23)) == D(2026, 2, 24)
    assert rules.next_periodic_due(None, D(2025, 2, 25)) == D(2026, 2, 25)


def test_a_breach_notice_is_due_thirty_days_after_it():
    assert rules.breach_due(D(2025, 3, 10)) == D(2025, 4, 9)
    clock = rules.Clock(rules.breach_due(D(2025, 3, 10)), D(2025, 4, 9))
    assert (clock.overdue, clock.due_soon, clock.words) == (False, True, "due today")
    late = rules.Clock(D(2025, 4, 9), D(2025, 4, 11))
    assert (late.overdue, late.words) == (True, "overdue by 2 days")
    early = rules.Clock(D(2025, 4, 9), D(2025, 3, 9))
    assert (early.overdue, early.due_soon, early.words) == (False, False, "due in 31 days")
