"""The SQL statement of the status rules agrees with the Python one, reading by reading."""

import datetime
import random
from decimal import Decimal

from kpis.choices import Direction, Frequency, ThresholdBasis, UnitCode
from kpis.models import Reading, RuleChange, Suspension
from kpis.rules.status import Status
from tests.factories import make_area, make_contract, make_kpi, period

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
    return make_kpi(
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


def _random_reading(rng: random.Random, kpi, end: str) -> Reading:
    kind = rng.random()
    value, reason, unit = None, "", kpi.unit_id
    if kind < 0.15:
        reason = "No survey"
    elif kind < 0.85:
        base = kpi.target if kpi.target is not None else Decimal(50)
        step = 1 if kpi.unit_id == UnitCode.COUNT else 100
        value = max(Decimal(0), base + Decimal(rng.randint(-8 * step, 8 * step)) / step)
        if kpi.unit_id == UnitCode.PERCENT:
            value = min(value, Decimal(100))
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
    readings = []
    for kpi in kpis:
        for end in QUARTER_ENDS:
            if rng.random() < 0.9:
                readings.append(_random_reading(rng, kpi, end))
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
