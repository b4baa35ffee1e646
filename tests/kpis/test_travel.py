"""The direction of travel on its own: no database."""

import datetime
from decimal import Decimal as D

import pytest

from kpis.choices import Direction, Frequency
from kpis.rules.status import Rule
from kpis.rules.travel import (
    Comparison,
    Figure,
    Travel,
    compare,
    comparison_ends,
    previous_due_end,
)

HIGHER = Direction.HIGHER
LOWER = Direction.LOWER
JUN_18 = datetime.date(2018, 6, 30)
SEP_18 = datetime.date(2018, 9, 30)
DEC_18 = datetime.date(2018, 12, 31)
MAR_19 = datetime.date(2019, 3, 31)
JUN_19 = datetime.date(2019, 6, 30)
SEP_19 = datetime.date(2019, 9, 30)


def percent(end, value, target="≥ 90%", rule=None, **fields) -> Figure:
    rule = rule or Rule(HIGHER, D(90))
    return Figure(end, D(value), "percent", "Percentage", target=target, rule=rule, **fields)


def failures(end, value, target="≤ 0 failures") -> Figure:
    rule = Rule(LOWER, D(0), detriment=D(1), failure=D(2))
    return Figure(end, D(value), "count", "Number of failures", target=target, rule=rule)


def higher(now: Figure, then: Figure) -> Comparison:
    return compare(now, then, direction=HIGHER, unit="percent")


@pytest.mark.parametrize(
    ("now", "then", "expected"),
    [
        # Either side of "no change": equal figures, then the smallest difference held (4 places).
        ("95.80", "95.80", Travel.NO_CHANGE),
        ("95.8", "95.8000", Travel.NO_CHANGE),
        ("95.8001", "95.80", Travel.IMPROVING),
        ("95.7999", "95.80", Travel.WORSENING),
        ("100", "88", Travel.IMPROVING),
        ("0", "100", Travel.WORSENING),
    ],
)
def test_it_reads_higher_is_better_either_side_of_no_change(now, then, expected):
    assert higher(percent(SEP_18, now), percent(JUN_18, then)).travel == expected


@pytest.mark.parametrize(
    ("now", "then", "expected"),
    [
        ("1", "1", Travel.NO_CHANGE),
        ("0", "1", Travel.IMPROVING),  # fewer failures is better
        ("2", "1", Travel.WORSENING),
        ("0.9999", "1", Travel.IMPROVING),
        ("1.0001", "1", Travel.WORSENING),
    ],
)
def test_it_reverses_for_lower_is_better(now, then, expected):
    comparison = compare(
        failures(SEP_18, now), failures(JUN_18, then), direction=LOWER, unit="count"
    )
    assert comparison.travel == expected
    assert comparison.note == ""


def test_it_says_what_it_was_compared_with_in_words_and_a_symbol():
    improving = higher(percent(SEP_19, "96"), percent(JUN_19, "95"))
    assert improving.compared_with == JUN_19
    assert (improving.symbol, improving.text) == ("↗", "Improving since Jun-19")
    worsening = higher(percent(SEP_19, "94"), percent(JUN_19, "95"))
    assert (worsening.symbol, worsening.text) == ("↘", "Worsening since Jun-19")
    same = higher(percent(SEP_19, "95"), percent(JUN_19, "95"))
    assert (same.symbol, same.text) == ("→", "No change since Jun-19")
    missing = higher(percent(SEP_19, "95"), Figure(JUN_19, absent="not measured"))
    assert (missing.symbol, missing.text) == ("\u2013", "Not comparable with Jun-19")
    assert missing.full_text == ("Not comparable with Jun-19. No figure in Jun-19: not measured.")
    # Four different symbols, and four different words: neither rests on the other, nor on colour.
    assert len({c.symbol for c in (improving, worsening, same, missing)}) == 4


def test_the_previous_quarter_of_q1_is_q4_of_the_year_before():
    # The financial year turns between Mar-19 (2018/19 Q4) and Jun-19 (2019/20 Q1); the calendar
    # year between Dec-18 and Mar-19.
    assert comparison_ends(JUN_19, Frequency.QUARTERLY) == (MAR_19, JUN_18)
    assert comparison_ends(MAR_19, Frequency.MONTHLY) == (DEC_18, datetime.date(2018, 3, 31))
    assert comparison_ends(datetime.date(2019, 12, 31), Frequency.QUARTERLY) == (
        SEP_19,
        DEC_18,
    )


def test_it_compares_across_the_year_boundary():
    comparison = higher(percent(JUN_19, "97"), percent(MAR_19, "98"))
    assert comparison.travel == Travel.WORSENING
    assert comparison.text == "Worsening since Mar-19"


def test_an_annual_kpi_compares_with_the_previous_year_end():
    # Due at the year end only: the previous quarter it was due in is the latest 31 March before.
    assert previous_due_end(MAR_19, Frequency.ANNUAL) == datetime.date(2018, 3, 31)
    assert previous_due_end(JUN_19, Frequency.ANNUAL) == MAR_19
    assert previous_due_end(SEP_19, Frequency.ANNUAL) == MAR_19
    assert previous_due_end(datetime.date(2019, 12, 31), Frequency.ANNUAL) == MAR_19
    assert previous_due_end(datetime.date(2020, 3, 31), Frequency.ANNUAL) == MAR_19
    # At the year end, both comparisons are with the year end before.
    assert comparison_ends(MAR_19, Frequency.ANNUAL) == (
        datetime.date(2018, 3, 31),
        datetime.date(2018, 3, 31),
    )
    # A quarter other KPIs are due in is skipped: Sep-19 compares with Mar-19, not Jun-19.
    assert comparison_ends(SEP_19, Frequency.ANNUAL) == (MAR_19, SEP_18)
    assert comparison_ends(SEP_19, Frequency.QUARTERLY) == (JUN_19, SEP_18)


def test_it_notes_a_change_of_target_and_still_compares():
    before = percent(JUN_18, "91", target="≥ 90%", rule=Rule(HIGHER, D(90)))
    after = percent(SEP_18, "92", target="≥ 95%", rule=Rule(HIGHER, D(95)))
    comparison = higher(after, before)
    assert comparison.travel == Travel.IMPROVING
    assert comparison.note == "Target changed from ≥ 90% to ≥ 95%."
    # The same figure against a new target: no change, with the same note.
    same = higher(percent(SEP_18, "91", target="≥ 95%", rule=Rule(HIGHER, D(95))), before)
    assert (same.travel, same.note) == (Travel.NO_CHANGE, "Target changed from ≥ 90% to ≥ 95%.")


def test_it_notes_a_change_of_thresholds_alone():
    before = percent(JUN_18, "91", rule=Rule(HIGHER, D(90), detriment=D(87)))
    after = percent(SEP_18, "89", rule=Rule(HIGHER, D(90), detriment=D(85)))
    comparison = higher(after, before)
    assert comparison.travel == Travel.WORSENING
    assert comparison.note == "Thresholds changed since Jun-18."


def test_it_notes_a_target_set_where_there_was_none():
    before = percent(JUN_18, "91", target="Data only", rule=Rule(HIGHER, None))
    comparison = higher(percent(SEP_18, "91"), before)
    assert comparison.travel == Travel.NO_CHANGE
    assert comparison.note == "Target changed from none (data only) to ≥ 90%."


def test_a_change_of_unit_is_not_comparable():
    # ICT KPI 15: failure counts to December 2018, percentages from March 2019.
    then = failures(DEC_18, "0")
    now = Figure(MAR_19, D(100), "percent", "Percentage", target="≤ 0 failures")
    comparison = compare(now, then, direction=LOWER, unit="count")
    assert comparison.travel == Travel.NOT_COMPARABLE
    assert comparison.note == "Reported in number of failures in Dec-18, percentage in Mar-19."


def test_figures_both_in_another_unit_than_the_kpis_are_not_comparable():
    # Percentages for a KPI counted in failures: which way is better is not known.
    now = Figure(JUN_19, D(100), "percent", "Percentage")
    then = Figure(MAR_19, D(90), "percent", "Percentage")
    comparison = compare(now, then, direction=LOWER, unit="count")
    assert comparison.travel == Travel.NOT_COMPARABLE
    assert "not the KPI's own unit" in comparison.note
    # Equal figures did not change, whatever the unit.
    same = compare(
        now, Figure(MAR_19, D(100), "percent", "Percentage"), direction=LOWER, unit="count"
    )
    assert same.travel == Travel.NO_CHANGE


def test_a_data_only_kpi_is_not_comparable():
    comparison = compare(
        percent(SEP_18, "95", target="Data only"),
        percent(JUN_18, "90", target="Data only"),
        direction="",
        unit="percent",
    )
    assert comparison.travel == Travel.NOT_COMPARABLE
    assert comparison.note == "Data only: no figure is better than another."


@pytest.mark.parametrize(
    "absent", ["not measured", "suspended, so its figure does not count", "not yet approved"]
)
def test_a_quarter_without_a_figure_is_not_comparable_on_either_side(absent):
    empty = Figure(JUN_18, absent=absent)
    comparison = higher(percent(SEP_18, "95"), empty)
    assert comparison.travel == Travel.NOT_COMPARABLE
    assert comparison.note == f"No figure in Jun-18: {absent}."
    shown_empty = Figure(SEP_18, absent=absent)
    assert higher(shown_empty, percent(JUN_18, "95")).note == (f"No figure in Sep-18: {absent}.")
    # A figure held but not standing for its quarter (suspended) is never compared either.
    suspended = Figure(JUN_18, D(50), "percent", "Percentage", absent=absent)
    assert higher(percent(SEP_18, "95"), suspended).travel == Travel.NOT_COMPARABLE


def test_it_notes_a_comparison_with_figures_not_yet_approved():
    draft = percent(JUN_19, "90", draft=True)
    comparison = higher(percent(SEP_19, "95"), draft)
    assert comparison.travel == Travel.IMPROVING
    assert comparison.note == "Jun-19's figures are not yet approved."
