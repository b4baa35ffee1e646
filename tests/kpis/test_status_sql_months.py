"""Each roll-up rule on both sides of a threshold, as the database judges it: months saved through
the return, the quarter rolled up from them by the services, and the quarter and each month judged
by the status SQL beside the Python rule, with the statuses written out.

tests/kpis/test_rollup.py holds the pure roll-up and status functions at these boundaries;
tests/kpis/test_status_sql.py compares the SQL with Python on generated months.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from contracts.models import Assignment
from contracts.roles import Role
from kpis.choices import Direction, Rollup, UnitCode
from kpis.models import Reading
from kpis.writes import opening, saving
from tests.factories import make_area, make_contract, make_kpi
from tests.kpis.monthly import DEC, NOV, OCT, month, monthly_entry, months_judged_in_sql

QUARTER = DEC
TODAY = datetime.date(2020, 2, 1)

# The ICT contract's "90% / 87% / 84%": higher is better, reaching a threshold is inclusive.
PERCENT = {"unit": UnitCode.PERCENT, "direction": Direction.HIGHER, "target": Decimal(90)}
PERCENT |= {"detriment": Decimal(87), "failure": Decimal(84)}
# The same collected as parts: calls answered of calls offered.
PARTS = {**PERCENT, "numerator_label": "calls answered", "denominator_label": "calls offered"}
# Failures in a quarter, lower is better: "10 / 12 / 15".
COUNT = {"unit": UnitCode.COUNT, "direction": Direction.LOWER, "target": Decimal(10)}
COUNT |= {"detriment": Decimal(12), "failure": Decimal(15)}

MET, BELOW, DETRIMENT, FAILURE = "met", "below_target", "detriment", "failure"

CASES = [
    # Sum: the months added up meet the target, and one failure more misses it...
    (Rollup.SUM, COUNT, (3, 3, 4), "10", MET, [MET, MET, MET]),
    (Rollup.SUM, COUNT, (3, 4, 4), "11", BELOW, [MET, MET, MET]),
    # ...reach the detriment threshold, or stop one short of the failure threshold, although
    # every month alone meets the quarter's target.
    (Rollup.SUM, COUNT, (4, 4, 4), "12", DETRIMENT, [MET, MET, MET]),
    (Rollup.SUM, COUNT, (5, 5, 4), "14", DETRIMENT, [MET, MET, MET]),
    (Rollup.SUM, COUNT, (5, 5, 5), "15", FAILURE, [MET, MET, MET]),
    # Average: just meets the target with a month at failure; a hundredth less and it misses.
    (Rollup.AVERAGE, PERCENT, (95, 84, 91), "90", MET, [MET, FAILURE, MET]),
    (Rollup.AVERAGE, PERCENT, (95, "83.99", 91), "89.9967", BELOW, [MET, FAILURE, MET]),
    # Worst: at the detriment threshold, and a hundredth above it.
    (Rollup.WORST, PERCENT, (95, 87, 91), "87", DETRIMENT, [MET, DETRIMENT, MET]),
    (Rollup.WORST, PERCENT, (95, "87.01", 91), "87.01", BELOW, [MET, BELOW, MET]),
    # Last: at the failure threshold after two months met, and a hundredth above it.
    (Rollup.LAST, PERCENT, (95, 95, 84), "84", FAILURE, [MET, MET, FAILURE]),
    (Rollup.LAST, PERCENT, (95, 95, "84.01"), "84.01", DETRIMENT, [MET, MET, DETRIMENT]),
    # Ratio: 270 of 300 calls meet 90% exactly; one call fewer misses it.
    (Rollup.RATIO, PARTS, ((90, 100), (85, 100), (95, 100)), "90", MET, [MET, DETRIMENT, MET]),
    (
        Rollup.RATIO,
        PARTS,
        ((90, 100), (85, 100), (94, 100)),
        "89.6667",
        BELOW,
        [MET, DETRIMENT, MET],
    ),
    # Rates of 100%, 100% and 75%, whose mean (91.67%) would meet: 140 of 180 calls fail.
    (
        Rollup.RATIO,
        PARTS,
        ((10, 10), (10, 10), (120, 160)),
        "77.7778",
        FAILURE,
        [MET, MET, FAILURE],
    ),
]


@pytest.fixture
def officer(django_user_model, db):
    user = django_user_model.objects.create_user(username="officer")
    user.groups.add(Group.objects.get_or_create(name=Role.OFFICER.value)[0])
    return user


def _save_months(officer, rule: str, kpi_fields: dict, figures: tuple) -> Reading:
    """A monthly KPI with its three months saved through the return, as the return page does."""
    contract = make_contract()
    Assignment.objects.create(user=officer, contract=contract)
    kpi = make_kpi(make_area(contract), rollup=rule, **kpi_fields)
    quarterly_return = opening.open_return(contract=contract, end_date=QUARTER, user=officer)
    reading = Reading.objects.get(kpi=kpi, period=quarterly_return.period)
    if kpi.has_parts:
        months = [
            month(end, numerator=n, denominator=d)
            for end, (n, d) in zip((OCT, NOV, DEC), figures, strict=True)
        ]
    else:
        months = [month(end, value) for end, value in zip((OCT, NOV, DEC), figures, strict=True)]
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[monthly_entry(reading, *months, commentary="Recovery plan agreed.")],
    )
    return (
        Reading.objects.select_related("kpi", "period")
        .prefetch_related("months", "kpi__suspensions", "kpi__rule_changes")
        .get(pk=reading.pk)
    )


@pytest.mark.parametrize(
    ("rule", "kpi_fields", "figures", "quarter", "status", "month_statuses"), CASES
)
def test_each_roll_up_is_judged_in_sql_on_both_sides_of_a_threshold(
    officer, rule, kpi_fields, figures, quarter, status, month_statuses
):
    reading = _save_months(officer, rule, kpi_fields, figures)

    assert reading.value == Decimal(quarter)
    in_sql = Reading.objects.filter(pk=reading.pk).with_status(TODAY).get()
    assert in_sql.status == reading.evaluate(TODAY).status == status
    months = list(reading.months.all())
    assert [m.evaluate(reading.rule).status for m in months] == month_statuses
    judged = months_judged_in_sql([reading], TODAY)
    assert [judged[reading.pk, m.month_end] for m in months] == [(s, None) for s in month_statuses]
    # Judging the months in SQL leaves the quarter as it was saved.
    assert Reading.objects.get(pk=reading.pk).value == Decimal(quarter)
