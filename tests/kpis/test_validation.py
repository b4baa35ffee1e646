"""Bad input is refused with a message naming the field, by the models and by the database."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from kpis.choices import Direction, UnitCode
from kpis.models import Kpi, Reading, ReportingPeriod, Suspension
from tests.factories import make_area, make_contract, make_kpi, make_reading, period


@pytest.fixture
def area(db):
    return make_area(make_contract())


def _errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        (UnitCode.PERCENT, "100.01", "A percentage must be between 0 and 100."),
        (UnitCode.PERCENT, "-1", "A percentage must be between 0 and 100."),
        (UnitCode.COUNT, "-1", "A number of failures must be a whole number, 0 or more."),
        (UnitCode.COUNT, "1.5", "A number of failures must be a whole number, 0 or more."),
        (UnitCode.DAYS, "-0.5", "A figure in days cannot be negative."),
    ],
)
def test_it_refuses_a_figure_outside_its_unit(area, unit, value, message):
    kpi = make_kpi(
        area,
        unit=unit,
        target=Decimal(0) if unit != UnitCode.PERCENT else Decimal(90),
        direction=Direction.LOWER if unit != UnitCode.PERCENT else Direction.HIGHER,
    )
    reading = Reading(kpi=kpi, period=period("2024-06-30"), value=Decimal(value))
    assert _errors(reading) == {"value": [message]}


def test_it_refuses_a_score_outside_the_kpis_scale(area):
    kpi = make_kpi(area, unit=UnitCode.SCORE, target=Decimal("3.5"), scale_min=1, scale_max=5)
    reading = Reading(kpi=kpi, period=period("2024-06-30"), value=Decimal(6))
    assert _errors(reading) == {"value": ["A score must be between 1 and 5."]}


def test_it_refuses_a_figure_and_a_reason_at_once(area):
    reading = Reading(
        kpi=make_kpi(area),
        period=period("2024-06-30"),
        value=Decimal(95),
        not_measured_reason="N/A",
    )
    assert _errors(reading) == {
        "not_measured_reason": ["Give either a figure or the reason it was not measured, not both."]
    }


def test_the_database_refuses_a_figure_and_a_reason_at_once(area):
    reading = make_reading(make_kpi(area), "2024-06-30", 95)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.filter(pk=reading.pk).update(not_measured_reason="N/A")


def test_the_database_refuses_a_second_reading_for_a_quarter(area):
    kpi = make_kpi(area)
    make_reading(kpi, "2024-06-30", 95)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.create(kpi=kpi, period=period("2024-06-30"), value=Decimal(96))


def test_the_database_refuses_a_percentage_over_100(area):
    reading = make_reading(make_kpi(area), "2024-06-30", 95)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reading.objects.filter(pk=reading.pk).update(value=Decimal(101))


@pytest.mark.parametrize(
    ("direction", "target", "detriment", "failure", "errors"),
    [
        (
            Direction.HIGHER,
            90,
            91,
            84,
            {
                "detriment": [
                    "Where higher is better, the detriment threshold must be below the target."
                ]
            },
        ),
        (
            Direction.HIGHER,
            90,
            84,
            87,
            {
                "failure": [
                    "Where higher is better, the failure threshold must be below the detriment threshold."
                ]
            },
        ),
        (
            Direction.LOWER,
            1,
            3,
            2,
            {
                "failure": [
                    "Where lower is better, the failure threshold must be above the detriment threshold."
                ]
            },
        ),
        (
            Direction.LOWER,
            1,
            None,
            0,
            {"failure": ["Where lower is better, the failure threshold must be above the target."]},
        ),
    ],
)
def test_it_refuses_thresholds_out_of_order_for_the_direction(
    area, direction, target, detriment, failure, errors
):
    unit = UnitCode.PERCENT if direction == Direction.HIGHER else UnitCode.COUNT
    kpi = Kpi(
        contract=area.contract,
        service_area=area,
        reference="K",
        description="d",
        frequency="monthly",
        unit_id=unit,
        direction=direction,
        target=target,
        detriment=detriment,
        failure=failure,
    )
    assert _errors(kpi) == errors


def test_the_database_refuses_thresholds_out_of_order(area):
    kpi = make_kpi(area, target=90, detriment=87, failure=84)
    with pytest.raises(IntegrityError), transaction.atomic():
        Kpi.objects.filter(pk=kpi.pk).update(detriment=95)


def test_it_refuses_a_service_area_of_another_contract(area):
    other = make_area(make_contract("OTHER"), "X")
    kpi = Kpi(
        contract=area.contract,
        service_area=other,
        reference="K",
        description="d",
        frequency="monthly",
        unit_id="percent",
        direction="higher",
        target=90,
    )
    assert _errors(kpi) == {"service_area": ["Choose a service area of this KPI's contract."]}


def test_the_database_refuses_a_reference_used_twice_in_a_contract(area):
    make_kpi(area, "K-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_kpi(area, "K-1")


def test_it_refuses_an_end_before_a_start(area):
    contract = area.contract
    contract.start_date, contract.end_date = "2020-01-01", "2019-01-01"
    assert _errors(contract) == {"end_date": ["The end date must be after the start date."]}
    contract.start_date, contract.end_date = datetime.date(2026, 4, 1), None
    contract.terminated_on = datetime.date(2020, 1, 1)
    assert _errors(contract) == {
        "terminated_on": ["A contract cannot be terminated before it starts."]
    }
    contract.terminated_on = datetime.date(2026, 4, 1)
    contract.full_clean()

    suspension = Suspension(
        kpi=make_kpi(area), first_quarter="2024-06-30", last_quarter="2024-03-31", reason="r"
    )
    assert _errors(suspension) == {
        "last_quarter": ["The last quarter cannot come before the first."]
    }


def test_the_database_refuses_a_suspension_ending_before_it_starts(area):
    with pytest.raises(IntegrityError), transaction.atomic():
        Suspension.objects.create(
            kpi=make_kpi(area), first_quarter="2024-06-30", last_quarter="2024-03-31", reason="r"
        )


def test_it_refuses_a_period_that_is_not_a_quarter_end(db):
    errors = _errors(ReportingPeriod(end_date="2024-05-31"))
    assert errors["end_date"] == [
        "A quarter ends on 30 June, 30 September, 31 December or 31 March."
    ]


def test_it_knows_the_financial_quarter_of_a_period(db):
    march = period("2019-03-31")
    assert (march.financial_year, march.quarter, march.label) == (2018, 4, "Mar-19")
    june = period("2018-06-30")
    assert (june.financial_year, june.quarter, str(june.start_date)) == (2018, 1, "2018-04-01")


def test_a_fixture_with_a_bad_figure_is_refused_with_the_fields_message(seed, tmp_path):
    bad = [
        {
            "model": "kpis.reading",
            "fields": {
                "kpi": ["ICT", "3"],
                "period": ["2018-06-30"],
                "value": "180",
                "unit": "percent",
                "not_measured_reason": "",
                "commentary": "",
                "reported_as": "180%",
                "version": 1,
            },
        }
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ValidationError) as caught:
        call_command("loaddata", str(path), verbosity=0)
    assert caught.value.message_dict == {"value": ["A percentage must be between 0 and 100."]}
    reading = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date="2018-06-30"
    )
    assert reading.value == 98
