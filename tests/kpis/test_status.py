"""The status rules on their own: no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.choices import Direction, ThresholdBasis
from kpis.rules.status import RANK, Rule, Status, evaluate, judge

HIGHER = Direction.HIGHER
LOWER = Direction.LOWER
# The ICT contract's "90% / 87% / 84%" and "0 failures / 1 failure / 2 failures".
PERCENT = Rule(HIGHER, D(90), detriment=D(87), failure=D(84))
FAILURES = Rule(LOWER, D(0), detriment=D(1), failure=D(2))


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (PERCENT, D(98), Status.MET),
        (PERCENT, D(90), Status.MET),  # "90%" means at least 90
        (PERCENT, D("89.99"), Status.BELOW_TARGET),
        (PERCENT, D(88), Status.BELOW_TARGET),
        (PERCENT, D(87), Status.DETRIMENT),  # reaching a threshold is inclusive
        (PERCENT, D(86), Status.DETRIMENT),
        (PERCENT, D("84.01"), Status.DETRIMENT),
        (PERCENT, D(84), Status.FAILURE),
        (PERCENT, D(0), Status.FAILURE),
        (FAILURES, D(0), Status.MET),
        (FAILURES, D(1), Status.DETRIMENT),
        (FAILURES, D(2), Status.FAILURE),
        (FAILURES, D(7), Status.FAILURE),
        # Gold application availability: 1 failure / 3 failures / 4 failures.
        (Rule(LOWER, D(1), detriment=D(3), failure=D(4)), D(2), Status.BELOW_TARGET),
        (Rule(LOWER, D(1), detriment=D(3), failure=D(4)), D(1), Status.MET),
        # "< 5%" is strict and lower is better.
        (Rule(LOWER, D(5), strict=True), D("4.99"), Status.MET),
        (Rule(LOWER, D(5), strict=True), D(5), Status.BELOW_TARGET),
        # "> 3.5" is strict and higher is better.
        (Rule(HIGHER, D("3.5"), strict=True), D("3.6"), Status.MET),
        (Rule(HIGHER, D("3.5"), strict=True), D("3.5"), Status.BELOW_TARGET),
        # Days to process a claim: lower is better, the target inclusive.
        (Rule(LOWER, D(16)), D("6.02"), Status.MET),
        (Rule(LOWER, D(16)), D(16), Status.MET),
        (Rule(LOWER, D(16)), D("16.01"), Status.BELOW_TARGET),
        # No thresholds: any miss is below target.
        (Rule(HIGHER, D(90)), D(1), Status.BELOW_TARGET),
        # Only a failure threshold.
        (Rule(HIGHER, D(90), failure=D(80)), D(85), Status.BELOW_TARGET),
        (Rule(HIGHER, D(90), failure=D(80)), D(80), Status.FAILURE),
    ],
)
def test_it_judges_a_figure_against_target_and_thresholds(rule, value, expected):
    assert evaluate(rule=rule, value=value).status == expected


def test_it_uses_the_target_given_for_the_quarter():
    # CS-K-002 in Dec-18: 85 against that quarter's 88, not the default 83.
    assert evaluate(rule=Rule(HIGHER, D(88)), value=D(85)).status == Status.BELOW_TARGET
    assert evaluate(rule=Rule(HIGHER, D(83)), value=D(85)).status == Status.MET


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"not_measured_reason": "No survey"}, Status.NOT_MEASURED),
        ({"not_measured_reason": "   "}, Status.MISSING),  # blank is no reason
        ({}, Status.MISSING),
        ({"due": True, "quarter_over": False}, Status.NOT_DUE),
        ({"due": False, "quarter_over": True}, Status.NOT_DUE),
    ],
)
def test_it_gives_a_state_to_a_quarter_without_a_figure(kwargs, expected):
    assert evaluate(rule=PERCENT, value=None, **kwargs).status == expected


def test_it_suspends_before_anything_else_and_says_what_it_would_have_been():
    evaluation = evaluate(rule=PERCENT, value=D(86), suspended=True)
    assert evaluation.status == Status.SUSPENDED
    assert evaluation.would_have_been == Status.DETRIMENT

    empty = evaluate(rule=PERCENT, value=None, not_measured_reason="N/A", suspended=True)
    assert (empty.status, empty.would_have_been) == (Status.SUSPENDED, Status.NOT_MEASURED)


@pytest.mark.parametrize(
    ("kwargs", "would_have_been"),
    [
        # Suspended, the reading keeps everything else it was told: no figure in a quarter that
        # is over and due is missing; not over, or not due, is not due; a figure in another
        # unit is not measured, where the same 86 in the KPI's unit would be a detriment.
        ({"value": None}, Status.MISSING),
        ({"value": None, "quarter_over": False}, Status.NOT_DUE),
        ({"value": None, "due": False}, Status.NOT_DUE),
        ({"value": D(86), "unit_matches": False}, Status.NOT_MEASURED),
        ({"value": D(86)}, Status.DETRIMENT),
    ],
)
def test_it_works_out_what_a_suspended_reading_would_have_been(kwargs, would_have_been):
    evaluation = evaluate(rule=PERCENT, suspended=True, **kwargs)
    assert (evaluation.status, evaluation.would_have_been) == (Status.SUSPENDED, would_have_been)


def test_it_evaluates_a_figure_recorded_when_the_kpi_was_not_due():
    assert evaluate(rule=PERCENT, value=D(50), due=False).status == Status.FAILURE


def test_it_does_not_judge_a_figure_in_another_unit_or_without_a_target():
    other_unit = evaluate(rule=FAILURES, value=D(100), unit_matches=False)
    assert other_unit.status == Status.NOT_MEASURED
    assert other_unit.comparable is False

    # No target in force: the figure is data only, never "not measured".
    no_target = evaluate(rule=Rule(HIGHER, None), value=D(50))
    assert no_target.status == Status.DATA_ONLY
    assert no_target.comparable is False
    # Another unit still wins over the missing target.
    other_unit_no_target = evaluate(rule=Rule(HIGHER, None), value=D(5), unit_matches=False)
    assert other_unit_no_target.status == Status.NOT_MEASURED


def test_it_gives_suspended_readings_a_would_have_been_and_others_none():
    assert evaluate(rule=PERCENT, value=D(95)).would_have_been is None


decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@st.composite
def rules(draw):
    direction = draw(st.sampled_from([HIGHER, LOWER]))
    target = draw(decimals)
    step = 1 if direction == HIGHER else -1
    gap1, gap2 = draw(st.integers(1, 50)), draw(st.integers(1, 50))
    detriment = draw(st.sampled_from([None, target - step * gap1]))
    failure = None
    if draw(st.booleans()):
        base = detriment if detriment is not None else target
        failure = base - step * gap2
    return Rule(direction, target, draw(st.booleans()), detriment, failure)


# "Amber when missed by up to 5%, red beyond 10%" of a target of 90: tolerances of 4.5 and 9.
WITHIN_PERCENT = Rule(HIGHER, D(90), detriment=D(5), failure=D(10), basis=ThresholdBasis.PERCENT)
# Lower is better, 2 and 5 points either side of 20.
WITHIN_POINTS = Rule(LOWER, D(20), detriment=D(2), failure=D(5), basis=ThresholdBasis.POINTS)


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        (WITHIN_PERCENT, D(90), Status.MET),
        (WITHIN_PERCENT, D("89.99"), Status.BELOW_TARGET),
        (WITHIN_PERCENT, D("85.5"), Status.BELOW_TARGET),  # missed by 4.5: within 5%
        (WITHIN_PERCENT, D("85.49"), Status.DETRIMENT),
        (WITHIN_PERCENT, D(81), Status.DETRIMENT),  # missed by 9: within 10%
        (WITHIN_PERCENT, D("80.99"), Status.FAILURE),
        (WITHIN_POINTS, D(20), Status.MET),
        (WITHIN_POINTS, D(22), Status.BELOW_TARGET),
        (WITHIN_POINTS, D("22.01"), Status.DETRIMENT),
        (WITHIN_POINTS, D(25), Status.DETRIMENT),
        (WITHIN_POINTS, D("25.01"), Status.FAILURE),
        # A negative target: 10% of -40 is 4 either way, so -44 is within it.
        (
            Rule(HIGHER, D(-40), failure=D(10), basis=ThresholdBasis.PERCENT),
            D(-44),
            Status.BELOW_TARGET,
        ),
        (
            Rule(HIGHER, D(-40), failure=D(10), basis=ThresholdBasis.PERCENT),
            D("-44.01"),
            Status.FAILURE,
        ),
    ],
)
def test_it_measures_a_tolerance_from_the_target(rule, value, expected):
    assert judge(rule, value) == expected


def test_it_follows_the_quarters_own_target_with_a_tolerance():
    # Within 10% of a quarter's own target of 80 is 72 or more; of the default 90, 81.
    rule = Rule(HIGHER, D(90), failure=D(10), basis=ThresholdBasis.PERCENT)
    assert evaluate(rule=rule, value=D(75)).status == Status.FAILURE
    assert judge(Rule(HIGHER, D(80), failure=D(10), basis=ThresholdBasis.PERCENT), D(75)) == (
        Status.BELOW_TARGET
    )


@st.composite
def relative_rules(draw):
    direction = draw(st.sampled_from([HIGHER, LOWER]))
    detriment = draw(st.sampled_from([None, D(draw(st.integers(0, 20)))]))
    failure = None
    if draw(st.booleans()):
        failure = (detriment or D(0)) + D(draw(st.integers(1, 20)))
    basis = draw(st.sampled_from([ThresholdBasis.PERCENT, ThresholdBasis.POINTS]))
    return Rule(direction, draw(decimals), draw(st.booleans()), detriment, failure, basis)


@given(rule=st.one_of(rules(), relative_rules()), a=decimals, b=decimals)
def test_it_never_gives_a_better_figure_a_worse_status(rule, a, b):
    better, worse = (max(a, b), min(a, b)) if rule.direction == HIGHER else (min(a, b), max(a, b))
    assert RANK[judge(rule, better)] <= RANK[judge(rule, worse)]


@given(rule=st.one_of(rules(), relative_rules()), value=decimals)
def test_it_only_meets_the_target_on_the_right_side_of_it(rule, value):
    met = judge(rule, value) == Status.MET
    if rule.direction == HIGHER:
        assert met == (value > rule.target if rule.strict else value >= rule.target)
    else:
        assert met == (value < rule.target if rule.strict else value <= rule.target)
