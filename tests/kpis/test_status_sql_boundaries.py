"""The status rules as the database states them, at every boundary, with the statuses written out.

tests/kpis/test_status_sql.py shows the SQL agrees with the Python rules on generated data; this
module pins the SQL on its own, so that both sides being wrong the same way fails a test too.
"""

import datetime
from decimal import Decimal

import pytest

from kpis.choices import Direction, Frequency, ThresholdBasis, UnitCode
from kpis.models import Reading, RuleChange, Suspension
from tests.factories import make_area, make_contract, make_kpi, make_reading

HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
QUARTER = "2023-06-30"
AFTER = datetime.date(2024, 8, 1)

# The ICT contract's "90% / 87% / 84%": higher is better, reaching a threshold is inclusive.
PERCENT = {"direction": HIGHER, "target": 90, "detriment": 87, "failure": 84}
# Days to do something, "5 / 7 / 9": lower is better.
DAYS = {"direction": LOWER, "target": 5, "detriment": 7, "failure": 9, "unit": UnitCode.DAYS}
# ICT KPI 19, "> 3.5", and KPI 10, "< 5%": strict targets.
MORE_THAN = {"direction": HIGHER, "target": "3.5", "target_strict": True, "unit": UnitCode.SCORE}
LESS_THAN = {"direction": LOWER, "target": 5, "target_strict": True}
# A strict target with thresholds: the strictness is the target's, not the thresholds'.
STRICT_90 = {"direction": HIGHER, "target": 90, "target_strict": True, "detriment": 87}
# Only a failure threshold, lower is better (KPI 13's 4 failures without its 3).
FAILURE_ONLY = {"direction": LOWER, "target": 1, "failure": 4, "unit": UnitCode.COUNT}

# A borough's "amber when missed by up to 5%, red beyond 10%", relative to a target of 90:
# 5% of 90 is 4.5 and 10% is 9, so the detriment comes below 85.5 and the failure below 81.
WITHIN_PERCENT = {
    "direction": HIGHER,
    "target": 90,
    "detriment": 5,
    "failure": 10,
    "threshold_basis": ThresholdBasis.PERCENT,
}
# 10% of 87 is 8.7: 78.3 is within it. 87 - 78.3 is not exactly 8.7 in floating point, which
# SQLite uses, so this boundary shows the SQL is exact.
WITHIN_PERCENT_87 = {**WITHIN_PERCENT, "target": 87, "detriment": None}
# Kilograms per household, lower is better, "within 2 points amber, beyond 5 red" of 20.
WITHIN_POINTS = {
    "direction": LOWER,
    "target": 20,
    "detriment": 2,
    "failure": 5,
    "unit": UnitCode.DAYS,
    "threshold_basis": ThresholdBasis.POINTS,
}
# Failures, lower is better, with a tolerance of 50% of a target of 3: 1.5 failures.
COUNT_PERCENT = {
    "direction": LOWER,
    "target": 3,
    "failure": 50,
    "unit": UnitCode.COUNT,
    "threshold_basis": ThresholdBasis.PERCENT,
}

CASES = [
    (PERCENT, "90.01", "met"),
    (PERCENT, "90", "met"),
    (PERCENT, "89.99", "below_target"),
    (PERCENT, "87.01", "below_target"),
    (PERCENT, "87", "detriment"),
    (PERCENT, "86.99", "detriment"),
    (PERCENT, "84.01", "detriment"),
    (PERCENT, "84", "failure"),
    (PERCENT, "83.99", "failure"),
    (DAYS, "4.99", "met"),
    (DAYS, "5", "met"),
    (DAYS, "5.01", "below_target"),
    (DAYS, "6.99", "below_target"),
    (DAYS, "7", "detriment"),
    (DAYS, "7.01", "detriment"),
    (DAYS, "8.99", "detriment"),
    (DAYS, "9", "failure"),
    (DAYS, "9.01", "failure"),
    (MORE_THAN, "3.51", "met"),
    (MORE_THAN, "3.5", "below_target"),
    (MORE_THAN, "3.49", "below_target"),
    (LESS_THAN, "4.99", "met"),
    (LESS_THAN, "5", "below_target"),
    (LESS_THAN, "5.01", "below_target"),
    (STRICT_90, "90.01", "met"),
    (STRICT_90, "90", "below_target"),
    (STRICT_90, "87.01", "below_target"),
    (STRICT_90, "87", "detriment"),
    (FAILURE_ONLY, "1", "met"),
    (FAILURE_ONLY, "3", "below_target"),
    (FAILURE_ONLY, "4", "failure"),
    (WITHIN_PERCENT, "90", "met"),
    (WITHIN_PERCENT, "89.99", "below_target"),
    (WITHIN_PERCENT, "85.5", "below_target"),
    (WITHIN_PERCENT, "85.49", "detriment"),
    (WITHIN_PERCENT, "81", "detriment"),
    (WITHIN_PERCENT, "80.99", "failure"),
    (WITHIN_PERCENT_87, "78.3", "below_target"),
    (WITHIN_PERCENT_87, "78.2999", "failure"),
    (WITHIN_POINTS, "20", "met"),
    (WITHIN_POINTS, "22", "below_target"),
    (WITHIN_POINTS, "22.01", "detriment"),
    (WITHIN_POINTS, "25", "detriment"),
    (WITHIN_POINTS, "25.01", "failure"),
    (COUNT_PERCENT, "4", "below_target"),
    (COUNT_PERCENT, "5", "failure"),
]


def _kpi(area, n: int, **rule):
    fields = {
        k: Decimal(str(v)) if k in ("target", "detriment", "failure") and v is not None else v
        for k, v in rule.items()
    }
    return make_kpi(area, f"K-{n}", **fields)


def _statuses(today=AFTER) -> dict[str, str]:
    rows = Reading.objects.with_status(today).values_list("kpi__reference", "status")
    return dict(rows)


@pytest.fixture
def area(db):
    return make_area(make_contract())


def test_it_judges_figures_on_and_either_side_of_every_threshold_in_sql(area):
    for n, (rule, value, _) in enumerate(CASES):
        make_reading(_kpi(area, n, **rule), QUARTER, value)
    statuses = _statuses()
    assert [statuses[f"K-{n}"] for n in range(len(CASES))] == [want for _, _, want in CASES]


def test_it_judges_against_the_quarters_own_target_in_sql(area):
    # CS-K-002's targets change by quarter: 83 by default, 88 in Dec-18.
    kpi = _kpi(area, 1, direction=HIGHER, target=83)
    make_reading(kpi, "2023-06-30", "88", target_override=Decimal(88))
    make_reading(kpi, "2023-09-30", "87.99", target_override=Decimal(88))
    make_reading(kpi, "2023-12-31", "83")
    statuses = dict(Reading.objects.with_status(AFTER).values_list("period__end_date", "status"))
    assert statuses == {
        datetime.date(2023, 6, 30): "met",
        datetime.date(2023, 9, 30): "below_target",
        datetime.date(2023, 12, 31): "met",
    }


def test_it_judges_a_tolerance_against_the_quarters_own_target_in_sql(area):
    # Within 10% of target: of the default 90 that is 81, of Dec-23's own 80 it is 72.
    kpi = _kpi(area, 1, **{**WITHIN_PERCENT, "detriment": None})
    make_reading(kpi, "2023-06-30", "80.99")
    make_reading(kpi, "2023-09-30", "72", target_override=Decimal(80))
    make_reading(kpi, "2023-12-31", "71.99", target_override=Decimal(80))
    rows = Reading.objects.with_status(AFTER).order_by("period__end_date")
    assert list(rows.values_list("status", flat=True)) == ["failure", "below_target", "failure"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2023, 6, 29), "not_due"),
        (datetime.date(2023, 6, 30), "not_due"),  # the quarter's last day: not over yet
        (datetime.date(2023, 7, 1), "missing"),  # the day after
    ],
)
def test_it_calls_a_figure_missing_only_once_the_quarter_is_over_in_sql(area, today, expected):
    make_reading(_kpi(area, 1, direction=HIGHER, target=90), QUARTER)
    assert _statuses(today) == {"K-1": expected}


@pytest.mark.parametrize(
    ("frequency", "end", "expected"),
    [
        (Frequency.MONTHLY, "2023-06-30", "missing"),
        (Frequency.QUARTERLY, "2023-06-30", "missing"),
        (Frequency.ANNUAL, "2023-06-30", "not_due"),
        (Frequency.ANNUAL, "2023-12-31", "not_due"),
        (Frequency.ANNUAL, "2024-03-31", "missing"),  # due at the year end
    ],
)
def test_it_expects_a_figure_when_the_frequency_makes_it_due_in_sql(area, frequency, end, expected):
    make_reading(_kpi(area, 1, direction=HIGHER, target=90, frequency=frequency), end)
    assert _statuses() == {"K-1": expected}


def test_it_gives_a_reason_precedence_over_missing_in_sql(area):
    make_reading(_kpi(area, 1, direction=HIGHER, target=90), QUARTER, not_measured_reason="N/A")
    assert _statuses() == {"K-1": "not_measured"}


def test_it_suspends_from_the_first_quarter_to_the_last_inclusive_in_sql(area):
    kpi = _kpi(area, 1, **PERCENT)
    for end in ["2023-06-30", "2023-09-30", "2023-12-31", "2024-03-31"]:
        make_reading(kpi, end, "86")
    Suspension.objects.create(
        kpi=kpi, first_quarter="2023-09-30", last_quarter="2023-12-31", reason="System change"
    )
    rows = Reading.objects.with_status(AFTER).order_by("period__end_date")
    assert list(rows.values_list("status", "would_have_been")) == [
        ("detriment", None),
        ("suspended", "detriment"),
        ("suspended", "detriment"),
        ("detriment", None),
    ]


def test_it_judges_a_quarter_by_the_rule_in_force_at_its_end_in_sql(area):
    # The target went from 80 to 90 from the quarter ending 2023-09-30 on.
    kpi = _kpi(area, 1, direction=HIGHER, target=90)
    RuleChange.objects.create(
        kpi=kpi, effective_from="2023-09-30", previous_target=Decimal(80), reason="Renegotiated"
    )
    kpi.rule_changed = True
    kpi.save(update_fields=["rule_changed"])
    make_reading(kpi, "2023-06-30", "85")
    make_reading(kpi, "2023-09-30", "85")
    rows = Reading.objects.with_status(AFTER).order_by("period__end_date")
    assert list(rows.values_list("status", flat=True)) == ["met", "below_target"]
