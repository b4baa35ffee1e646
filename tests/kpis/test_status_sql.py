"""The SQL statement of the status rules agrees with the Python one, reading by reading, and
month by month beneath the monthly KPIs' quarters."""

import datetime
import random
from decimal import Decimal

from kpis.choices import Direction, Frequency, Rollup, ThresholdBasis, UnitCode
from kpis.models import MonthlyFigure, Reading, RuleChange, Suspension
from kpis.models.months import quarter_from
from kpis.rules import rollup
from kpis.rules.status import Status
from tests.factories import make_area, make_contract, make_kpi, period
from tests.kpis.monthly import months_judged_in_sql

QUARTER_ENDS = [
    "2023-06-30",
    "2023-09-30",
    "2023-12-31",
    "2024-03-31",
    "2024-06-30",
    "2024-09-30",
]
# Life spans may begin or end a quarter beyond those held, as well as on each of them.
LIFE_BOUNDS = [
    datetime.date.fromisoformat(end) for end in ["2023-03-31", *QUARTER_ENDS, "2024-12-31"]
]
TODAY = datetime.date(2024, 8, 1)  # the last quarter is not over yet
# The roll-ups a monthly KPI's unit allows without parts ("" is the usual one for the unit): a
# count's quarter is a whole number, never an average, and percentages are not added up.
ROLLUPS = {
    UnitCode.PERCENT: ["", Rollup.AVERAGE, Rollup.LAST, Rollup.WORST],
    UnitCode.COUNT: ["", Rollup.SUM, Rollup.LAST, Rollup.WORST],
}
# A percentage collected as parts: the usual (a ratio), or a rule over the months' rates.
ROLLUPS_OF_PARTS = ["", Rollup.RATIO, Rollup.LAST, Rollup.WORST]


def _random_kpi(rng: random.Random, area, n: int):
    direction: str = rng.choice([Direction.HIGHER, Direction.LOWER])
    unit = rng.choice([UnitCode.PERCENT, UnitCode.COUNT])
    target = Decimal(rng.choice([0, 1, 5, 50, 80, 90, 95]))
    step = 1 if direction == Direction.HIGHER else -1
    detriment = failure = None
    if rng.random() < 0.6:
        detriment = target - step * rng.randint(1, 5)
        if rng.random() < 0.7:
            failure = detriment - step * rng.randint(1, 5)
    # Thresholds below zero cannot be figures of either unit.
    if (detriment is not None and detriment < 0) or (failure is not None and failure < 0):
        detriment = failure = None
    basis = ThresholdBasis.ABSOLUTE
    if rng.random() < 0.3:
        # Tolerances around the target, in hundredths, so that boundaries fall between figures.
        basis = rng.choice([ThresholdBasis.PERCENT, ThresholdBasis.POINTS])
        detriment = Decimal(rng.randint(0, 500)) / 100 if rng.random() < 0.6 else None
        failure = (detriment or 0) + Decimal(rng.randint(1, 900)) / 100
    no_target = rng.random() < 0.08
    if no_target and rng.random() < 0.5:
        # Data only: no target, no thresholds, and no direction either.
        direction, detriment, failure, basis = "", None, None, ThresholdBasis.ABSOLUTE
    # A life span: measured from a quarter, retired after one, or both; the bounds may fall
    # before or after every quarter held.
    measured_from = retired_after = None
    if rng.random() < 0.25:
        measured_from = rng.choice(LIFE_BOUNDS)
    if rng.random() < 0.25:
        retired_after = rng.choice([q for q in LIFE_BOUNDS if q >= (measured_from or q)])
    kpi = make_kpi(
        area,
        f"K-{n}",
        direction=direction,
        unit=unit,
        target=None if no_target else target,
        measured_from=measured_from,
        retired_after=retired_after,
        target_strict=rng.random() < 0.3,
        detriment=detriment,
        failure=failure,
        threshold_basis=basis,
        frequency=rng.choice(list(Frequency)),
    )
    if kpi.is_monthly:
        _random_rollup(rng, kpi)
    return kpi


def _random_rollup(rng: random.Random, kpi) -> None:
    """A monthly KPI's roll-up, any its unit allows; about half the percentages are collected as
    parts (calls answered of calls offered)."""
    if kpi.unit_id == UnitCode.PERCENT and rng.random() < 0.5:
        kpi.numerator_label, kpi.denominator_label = "calls answered", "calls offered"
        kpi.rollup = rng.choice(ROLLUPS_OF_PARTS)
    else:
        kpi.rollup = rng.choice(ROLLUPS[kpi.unit_id])
    kpi.full_clean()
    kpi.save()


def _near_target(rng: random.Random, kpi) -> Decimal:
    """A figure within eight of the target (of 50 without one), to hundredths for a percentage."""
    base = kpi.target if kpi.target is not None else Decimal(50)
    step = 1 if kpi.unit_id == UnitCode.COUNT else 100
    value = max(Decimal(0), base + Decimal(rng.randint(-8 * step, 8 * step)) / step)
    return min(value, Decimal(100)) if kpi.unit_id == UnitCode.PERCENT else value


def _random_reading(rng: random.Random, kpi, end: str) -> Reading:
    kind = rng.random()
    value, reason, unit = None, "", kpi.unit_id
    if kind < 0.15:
        reason = "No survey"
    elif kind < 0.85:
        value = _near_target(rng, kpi)
        if rng.random() < 0.05:
            unit = UnitCode.PERCENT if kpi.unit_id == UnitCode.COUNT else UnitCode.COUNT
            value = value.to_integral_value()
    override = None
    relative = kpi.threshold_basis != ThresholdBasis.ABSOLUTE
    if rng.random() < 0.2 and kpi.target is not None and (relative or not kpi.has_thresholds):
        override = kpi.target + Decimal(rng.choice([-2, 2]))
        override = min(max(override, Decimal(0)), Decimal(100))
    return Reading(
        kpi=kpi,
        period=period(end),
        value=value,
        not_measured_reason=reason,
        unit_id=unit,
        target_override=override,
    )


def _random_month(rng: random.Random, reading: Reading, end: datetime.date):
    """A month as the return page saves it: a figure, parts (a zero denominator now and then),
    or a reason; None for a month left blank."""
    kpi = reading.kpi
    kind = rng.random()
    if kind < 0.05:
        return None
    month = MonthlyFigure(reading=reading, month_end=end)
    if kind < 0.15:
        month.not_measured_reason = "No calls received"
    elif kpi.has_parts:
        denominator = Decimal(0 if rng.random() < 0.03 else rng.randint(1, 200))
        rate = _near_target(rng, kpi)
        month.numerator = min(denominator, (rate * denominator / 100).to_integral_value())
        month.denominator = denominator
        month.fill_from_parts()
    else:
        month.value = _near_target(rng, kpi)
    return month


def _random_months(rng: random.Random, reading: Reading) -> list[MonthlyFigure]:
    """The months beneath a monthly KPI's quarter, and the quarter rolled up from them as the
    services write it (`quarter_from`); about one quarter in ten is entered alone, as published,
    with no months."""
    if rng.random() < 0.1:
        return []
    ends = rollup.quarter_months(reading.period.end_date)
    months = [m for m in (_random_month(rng, reading, end) for end in ends) if m is not None]
    if months:
        quarter = quarter_from(reading, months)
        reading.value, reading.not_measured_reason = quarter.value, quarter.not_measured_reason
        # The months are in the KPI's own unit, and so is the quarter made from them.
        reading.unit_id = reading.kpi.unit_id
    return months


def _random_rule_change(rng: random.Random, kpi) -> None:
    """Quarters before a random one judged by a different, earlier rule (or by none)."""
    step = Decimal(1 if kpi.direction == Direction.HIGHER else -1)
    target = Decimal(rng.choice([2, 10, 60, 85, 92]))
    detriment = target - step * rng.randint(1, 3) if rng.random() < 0.6 else None
    failure = detriment - step * rng.randint(1, 3) if detriment and rng.random() < 0.6 else None
    RuleChange.objects.create(
        kpi=kpi,
        effective_from=rng.choice(QUARTER_ENDS[1:]),
        previous_target=None if rng.random() < 0.1 else target,
        previous_target_strict=rng.random() < 0.3,
        previous_detriment=detriment,
        previous_failure=failure,
        reason="Renegotiated",
    )
    kpi.rule_changed = True
    kpi.save(update_fields=["rule_changed"])


def test_it_computes_the_same_status_in_sql_as_in_python(db):
    rng = random.Random(20181231)
    area = make_area(make_contract())
    kpis = [_random_kpi(rng, area, n) for n in range(60)]
    readings, months = [], []
    for kpi in kpis:
        for end in QUARTER_ENDS:
            if rng.random() < 0.9:
                reading = _random_reading(rng, kpi, end)
                if kpi.is_monthly:
                    months += _random_months(rng, reading)
                readings.append(reading)
        if rng.random() < 0.2:
            first = rng.choice(QUARTER_ENDS)
            last = rng.choice([None, *[q for q in QUARTER_ENDS if q >= first]])
            Suspension.objects.create(kpi=kpi, first_quarter=first, last_quarter=last, reason="x")
    for reading in readings:
        reading.full_clean()
        # clean() gives a figure the KPI's unit; a row written in bulk may have none, which
        # means the same.
        if reading.value is not None and rng.random() < 0.1:
            reading.unit_id = None
    Reading.objects.bulk_create(readings)
    MonthlyFigure.objects.bulk_create(months)
    for kpi in kpis:
        if rng.random() < 0.3:
            _random_rule_change(rng, kpi)

    annotated = (
        Reading.objects.with_status(TODAY)
        .select_related("kpi", "period")
        .prefetch_related("kpi__suspensions", "kpi__rule_changes")
    )
    seen = set()
    for reading in annotated:
        evaluation = reading.evaluate(TODAY)
        assert (reading.status, reading.would_have_been) == (
            evaluation.status,
            evaluation.would_have_been,
        ), f"{reading.kpi.reference} {reading.period}"
        seen.add(reading.status)
    # The data reaches every branch, so the comparison means something.
    assert seen == set(Status.values)
    _check_months(annotated)


def _check_months(annotated) -> None:
    """Each month, judged by `MonthlyFigure.evaluate` against its quarter's rule, has the status
    the SQL gives the same figure in the quarter's place; the quarters above them are their
    months rolled up, by every rule, from figures and from parts."""
    monthly = [r for r in annotated.prefetch_related("months") if r.kpi.is_monthly]
    with_months = [r for r in monthly if r.months.all()]
    for reading in with_months:
        quarter = quarter_from(reading, reading.months.all())
        assert (reading.value, reading.not_measured_reason) == (
            quarter.value,
            quarter.not_measured_reason,
        )
    assert {r.kpi.rollup_rule for r in with_months} == set(Rollup)
    assert any(m.numerator is not None for r in with_months for m in r.months.all())
    assert len(with_months) < len(monthly)  # some quarters entered alone, as published

    in_sql = months_judged_in_sql(with_months, TODAY)
    seen = set()
    for reading in with_months:
        for month in reading.months.all():
            judged = in_sql[reading.pk, month.month_end]
            if not reading.kpi.in_force(reading.period.end_date):
                # Outside the KPI's life nothing about the quarter is judged in SQL.
                assert judged == (Status.NOT_IN_FORCE, None)
                continue
            evaluation = month.evaluate(reading.rule, suspended=reading.is_suspended())
            assert judged == (evaluation.status, evaluation.would_have_been), (
                f"{reading.kpi.reference} {month.label}"
            )
            seen.add(evaluation.status)
    # Every status a saved month can have: a saved month is always entered, and judged as due.
    assert seen == set(Status.values) - {Status.MISSING, Status.NOT_DUE, Status.NOT_IN_FORCE}
