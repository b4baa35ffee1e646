"""The roll-up of a monthly KPI's three months into its quarter's figure (kpis/rules/rollup.py),
and each month and the quarter judged by the same status rule."""

import datetime
from decimal import Decimal as D

import pytest

from kpis.choices import Direction, Rollup
from kpis.rules import rollup
from kpis.rules.rollup import DENOMINATOR_ZERO, Month, Quarter, roll_up
from kpis.rules.status import Rule, Status, evaluate

APR, MAY, JUN = (datetime.date(2019, 4, 30), datetime.date(2019, 5, 31), datetime.date(2019, 6, 30))


def months(*values, reasons=("", "", "")) -> list[Month]:
    return [
        Month(end, None if v is None else D(str(v)), reason)
        for end, v, reason in zip((APR, MAY, JUN), values, reasons, strict=True)
    ]


def parts(*pairs) -> list[Month]:
    result = []
    for end, (n, d) in zip((APR, MAY, JUN), pairs, strict=True):
        value, reason = rollup.month_from_parts(D(n), D(d), percent=True)
        result.append(Month(end, value, reason, D(n), D(d)))
    return result


def up(ms, rule, direction=Direction.HIGHER, percent=False) -> Quarter:
    return roll_up(ms, rule, direction=direction, percent=percent)


def test_the_quarter_months_are_the_last_days_of_its_three_months():
    assert rollup.quarter_months(JUN) == [APR, MAY, JUN]
    assert rollup.quarter_months(datetime.date(2020, 3, 31)) == [
        datetime.date(2020, 1, 31),
        datetime.date(2020, 2, 29),
        datetime.date(2020, 3, 31),
    ]
    assert rollup.month_label(APR) == "April 2019"


@pytest.mark.parametrize(
    ("rule", "direction", "expected"),
    [
        (Rollup.SUM, Direction.HIGHER, D("36")),
        (Rollup.AVERAGE, Direction.HIGHER, D("12")),
        (Rollup.LAST, Direction.HIGHER, D("14")),
        (Rollup.WORST, Direction.HIGHER, D("7")),
        (Rollup.WORST, Direction.LOWER, D("15")),
    ],
)
def test_each_rule_over_three_months(rule, direction, expected):
    quarter = up(months(15, 7, 14), rule, direction)
    assert quarter == Quarter(expected, "", 3)


def test_an_average_keeps_four_places():
    assert up(months(1, 1, 2), Rollup.AVERAGE).value == D("1.3333")


def test_only_the_months_measured_take_part():
    ms = months(10, None, 20, reasons=("", "No survey", ""))
    assert up(ms, Rollup.SUM) == Quarter(D(30), "", 2)
    assert up(ms, Rollup.AVERAGE) == Quarter(D(15), "", 2)
    # The last month measured, not the last month.
    ms = months(10, 20, None, reasons=("", "", "No survey"))
    assert up(ms, Rollup.LAST).value == D(20)


def test_the_quarter_is_not_measured_only_when_no_month_is():
    same = months(None, None, None, reasons=("No survey",) * 3)
    assert up(same, Rollup.AVERAGE) == Quarter(None, "No survey", 0)
    mixed = months(None, None, None, reasons=("No survey", "No call", "No call"))
    assert up(mixed, Rollup.SUM).not_measured_reason == (
        "April 2019: No survey; May 2019: No call; June 2019: No call"
    )


def test_no_month_entered_leaves_the_quarter_empty():
    assert up([], Rollup.SUM) == Quarter(None, "", 0)
    assert up(months(None, None, None), Rollup.SUM) == Quarter(None, "", 0)


def test_a_ratio_is_recomputed_from_the_parts_not_the_mean_of_the_rates():
    # 90 of 100, 10 of 10 and 50 of 100: the rates are 90%, 100% and 50%, whose mean is 80%;
    # the quarter answered 150 of 210 calls, 71.4286%.
    ms = parts(("90", "100"), ("10", "10"), ("50", "100"))
    assert [m.value for m in ms] == [D(90), D(100), D(50)]
    quarter = up(ms, Rollup.RATIO, percent=True)
    assert quarter.value == D("71.4286")
    assert up(ms, Rollup.AVERAGE, percent=True).value == D("80")


def test_a_zero_denominator_is_not_measured_never_a_division_error():
    assert rollup.month_from_parts(D(0), D(0), percent=True) == (None, DENOMINATOR_ZERO)
    ms = parts(("0", "0"), ("9", "10"), ("0", "0"))
    assert ms[0].not_measured_reason == DENOMINATOR_ZERO
    # The other months still make the quarter.
    assert up(ms, Rollup.RATIO, percent=True) == Quarter(D(90), "", 1)
    none = parts(("0", "0"), ("0", "0"), ("0", "0"))
    assert up(none, Rollup.RATIO, percent=True) == Quarter(None, DENOMINATOR_ZERO, 0)


def test_a_ratio_that_is_not_a_percentage_is_not_multiplied():
    # Days taken over cases closed: 30 days over 10 cases and 10 days over 10.
    ms = [Month(APR, D(3), "", D(30), D(10)), Month(MAY, D(1), "", D(10), D(10))]
    assert up(ms, Rollup.RATIO, percent=False).value == D(2)


def test_a_numerator_above_its_denominator_is_refused_for_a_percentage():
    problems = rollup.parts_problems(
        D(11),
        D(10),
        percent=True,
        numerator_label="calls answered",
        denominator_label="calls offered",
    )
    assert problems == {
        "numerator": "The calls answered cannot be more than the calls offered for a percentage."
    }
    assert rollup.parts_problems(D(11), D(10), percent=False) == {}
    assert rollup.parts_problems(D(-1), D(10), percent=False) == {
        "numerator": "The numerator cannot be negative."
    }
    assert "denominator" in rollup.parts_problems(D(1), None, percent=True)


def test_the_default_rule_follows_the_unit_and_the_parts():
    assert rollup.default_rollup("count", has_parts=False) == Rollup.SUM
    assert rollup.default_rollup("quantity", has_parts=False) == Rollup.SUM
    assert rollup.default_rollup("percent", has_parts=False) == Rollup.AVERAGE
    assert rollup.default_rollup("duration", has_parts=False) == Rollup.AVERAGE
    assert rollup.default_rollup("percent", has_parts=True) == Rollup.RATIO


RULE = Rule(direction=Direction.HIGHER, target=D(90), detriment=D(87), failure=D(84))


def _status(value) -> Status:
    return evaluate(rule=RULE, value=value).status


@pytest.mark.parametrize(
    ("values", "rule", "month_statuses", "quarter", "quarter_status"),
    [
        # Average just meets the target although one month is a failure...
        ((95, 84, 91), Rollup.AVERAGE, ["met", "failure", "met"], D("90"), "met"),
        # ...and a hundredth less in one month takes the quarter below it.
        (
            (95, D("83.99"), 91),
            Rollup.AVERAGE,
            ["met", "failure", "met"],
            D("89.9967"),
            "below_target",
        ),
        # The worst month decides the quarter: at the detriment threshold, and just above it.
        ((95, 87, 91), Rollup.WORST, ["met", "detriment", "met"], D(87), "detriment"),
        (
            (95, D("87.01"), 91),
            Rollup.WORST,
            ["met", "below_target", "met"],
            D("87.01"),
            "below_target",
        ),
        # The last month measured: a failure after two months met.
        ((95, 95, 84), Rollup.LAST, ["met", "met", "failure"], D(84), "failure"),
    ],
)
def test_months_and_quarter_on_both_sides_of_a_threshold(
    values, rule, month_statuses, quarter, quarter_status
):
    ms = months(*values)
    assert [_status(m.value) for m in ms] == [Status(s) for s in month_statuses]
    rolled = up(ms, rule)
    assert rolled.value == quarter
    assert _status(rolled.value) == Status(quarter_status)


def test_a_ratio_quarter_can_fail_where_the_mean_of_the_rates_would_meet():
    # Rates 100%, 100% and 75%: their mean (91.67%) meets 90%; the calls (140 of 180) do not.
    ms = parts(("10", "10"), ("10", "10"), ("120", "160"))
    assert [_status(m.value) for m in ms] == [Status.MET, Status.MET, Status.FAILURE]
    assert _status(up(ms, Rollup.AVERAGE, percent=True).value) == Status.MET
    rolled = up(ms, Rollup.RATIO, percent=True)
    assert rolled.value == D("77.7778")
    assert _status(rolled.value) == Status.FAILURE
