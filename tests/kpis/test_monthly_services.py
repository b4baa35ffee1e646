"""Saving a monthly KPI's months: the quarter's figure is written from their roll-up in the same
save, all or nothing, and the months are held to the same rules wherever they are written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kpis.models import Kpi, MonthlyFigure, Reading
from kpis.rules.status import Status
from kpis.writes import saving, workflow
from tests.kpis.monthly import DEC, NOV, OCT, add_monthly_kpis, month, monthly_entry
from tests.kpis.returns import reading_in, row_entry, start_return


@pytest.fixture
def monthly(officer, seed):
    kpis = add_monthly_kpis(seed["ICT"])
    quarterly_return = start_return(officer, seed["ICT"])
    return quarterly_return, kpis


def _save(officer, quarterly_return, *entries):
    return saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=list(entries)
    )


def _status(reading: Reading) -> str:
    return Reading.objects.with_status().get(pk=reading.pk).status


def test_three_months_of_parts_write_the_quarter_recomputed_from_them(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "CALLS")
    entry = monthly_entry(
        reading,
        month(OCT, numerator=90, denominator=100),
        month(NOV, numerator=10, denominator=10),
        month(DEC, numerator=50, denominator=100),
    )
    _save(officer, quarterly_return, entry)
    reading.refresh_from_db()
    # 150 of 210 calls: 71.4286%, not the mean of 90%, 100% and 50% (80%).
    assert reading.value == Decimal("71.4286")
    assert reading.version == 2
    figures = list(reading.months.order_by("month_end"))
    assert [f.value for f in figures] == [Decimal(90), Decimal(100), Decimal(50)]
    assert _status(reading) == Status.FAILURE
    assert MonthlyFigure.history.filter(reading=reading).count() == 3


def test_a_month_with_no_calls_offered_is_not_measured(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "CALLS")
    entry = monthly_entry(
        reading,
        month(OCT, numerator=0, denominator=0),
        month(NOV, numerator=95, denominator=100),
        month(DEC, numerator=0, denominator=0),
    )
    _save(officer, quarterly_return, entry)
    reading.refresh_from_db()
    assert reading.value == Decimal(95)
    october = reading.months.get(month_end=OCT)
    assert (october.value, october.not_measured_reason) == (None, "Denominator was zero")
    # No calls at all: the quarter is not measured, with the same reason.
    reading_entry = monthly_entry(
        reading, *(month(end, numerator=0, denominator=0) for end in (OCT, NOV, DEC))
    )
    _save(officer, quarterly_return, reading_entry)
    reading.refresh_from_db()
    assert (reading.value, reading.not_measured_reason) == (None, "Denominator was zero")
    assert _status(reading) == Status.NOT_MEASURED


def test_months_added_up_and_a_month_not_measured_left_out(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    entry = monthly_entry(
        reading, month(OCT, 120), month(NOV, reason="Weighbridge broken"), month(DEC, 150.5)
    )
    _save(officer, quarterly_return, entry)
    reading.refresh_from_db()
    assert (reading.value, reading.not_measured_reason) == (Decimal("270.5"), "")
    assert _status(reading) == Status.MET


def _refused(officer, quarterly_return, entry) -> dict[str, str]:
    before = list(MonthlyFigure.objects.values_list("pk", "value"))
    with pytest.raises(saving.ReturnInvalid) as refused:
        _save(officer, quarterly_return, entry)
    assert list(MonthlyFigure.objects.values_list("pk", "value")) == before
    return refused.value.row_errors[entry.kpi_id]


def test_a_numerator_above_its_denominator_is_refused(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "CALLS")
    entry = monthly_entry(reading, month(OCT, numerator=11, denominator=10))
    assert _refused(officer, quarterly_return, entry) == {
        "m1_numerator": "The calls answered cannot be more than the calls offered for a percentage."
    }
    assert Reading.objects.get(pk=reading.pk).value is None


def test_a_typed_figure_is_refused_where_the_months_come_as_parts(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "CALLS")
    errors = _refused(officer, quarterly_return, monthly_entry(reading, month(OCT, 95)))
    assert "m1_numerator" in errors


def test_a_month_outside_the_quarter_is_refused(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    errors = _refused(
        officer, quarterly_return, monthly_entry(reading, month(datetime.date(2019, 9, 30), 5))
    )
    assert errors == {
        "months": "Choose the last day of one of the quarter's months: "
        "31 October 2019, 30 November 2019 or 31 December 2019."
    }
    # Nor a day that is not a month's last.
    errors = _refused(
        officer, quarterly_return, monthly_entry(reading, month(datetime.date(2019, 11, 15), 5))
    )
    assert "months" in errors


def test_a_month_given_twice_is_refused(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    errors = _refused(
        officer, quarterly_return, monthly_entry(reading, month(OCT, 5), month(OCT, 6))
    )
    assert errors == {"months": "October 2019 is given twice: give each month once."}


def test_the_database_holds_one_figure_per_month(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    MonthlyFigure.objects.create(reading=reading, month_end=OCT, value=Decimal(5))
    twice = MonthlyFigure(reading=reading, month_end=OCT, value=Decimal(6))
    with pytest.raises(ValidationError) as refused:
        twice.full_clean()
    assert "This quarter already has a figure for this month." in str(refused.value)


def test_a_figure_and_a_reason_for_one_month_are_refused(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    errors = _refused(
        officer, quarterly_return, monthly_entry(reading, month(OCT, 5, reason="No weighing"))
    )
    assert errors == {
        "m1_not_measured_reason": "Give either a figure or the reason it was not measured, "
        "not both."
    }


def test_a_quarter_typed_beside_its_months_is_refused(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    errors = _refused(officer, quarterly_return, monthly_entry(reading, month(OCT, 5), value=200))
    assert errors == {"value": saving.QUARTER_AND_MONTHS_MESSAGE}


def test_clearing_the_months_lets_the_quarter_be_entered_directly(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    _save(officer, quarterly_return, monthly_entry(reading, month(OCT, 5), month(NOV, 6)))
    reading.refresh_from_db()
    assert reading.value == Decimal(11)
    empty = (month(OCT), month(NOV), month(DEC))
    _save(officer, quarterly_return, monthly_entry(reading, *empty, value=280))
    reading.refresh_from_db()
    assert reading.value == Decimal(280)
    assert not reading.months.exists()


def test_a_quarter_from_its_months_is_not_overwritten_by_a_quarter_figure(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    _save(officer, quarterly_return, monthly_entry(reading, month(OCT, 5)))
    reading.refresh_from_db()
    # An import, say, writes the quarter alone.
    errors = _refused(officer, quarterly_return, row_entry(reading, 280))
    assert errors == {"value": saving.FROM_MONTHS_MESSAGE}


def test_a_concurrent_edit_of_the_months_is_detected(officer, manager, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    seen = reading.version
    _save(manager, quarterly_return, monthly_entry(reading, month(OCT, 5)))
    stale = monthly_entry(reading, month(OCT, 7))
    assert stale.version == seen
    with pytest.raises(saving.EditConflict):
        _save(officer, quarterly_return, stale)
    assert reading.months.get().value == Decimal(5)


def test_an_unchanged_save_of_the_months_writes_nothing(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "CALLS")
    months = (month(OCT, numerator=9, denominator=10),)
    _save(officer, quarterly_return, monthly_entry(reading, *months))
    reading.refresh_from_db()
    assert _save(officer, quarterly_return, monthly_entry(reading, *months)) == []


def test_a_quarter_with_a_month_left_blank_cannot_be_submitted(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    _save(officer, quarterly_return, monthly_entry(reading, month(OCT, 5), month(DEC, 6)))
    problems = workflow.incomplete_rows(quarterly_return)
    assert (
        reading.kpi_id,
        "m2_value",
        "Enter a figure for November 2019, or say why it was not measured",
    ) in problems


def test_every_month_left_blank_is_listed(officer, monthly):
    quarterly_return, _ = monthly
    reading = reading_in(quarterly_return, "WASTE")
    _save(officer, quarterly_return, monthly_entry(reading, month(NOV, 5)))
    problems = [p for p in workflow.incomplete_rows(quarterly_return) if p[0] == reading.kpi_id]
    # Two months, one KPI not ready.
    assert workflow.ReturnIncomplete(problems).kpi_count == 1
    assert problems == [
        (
            reading.kpi_id,
            "m1_value",
            "Enter a figure for October 2019, or say why it was not measured",
        ),
        (
            reading.kpi_id,
            "m3_value",
            "Enter a figure for December 2019, or say why it was not measured",
        ),
    ]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"numerator_label": "calls answered"}, {"denominator_label"}),
        ({"rollup": "ratio"}, {"rollup"}),
        ({"unit_id": "count", "rollup": "average"}, {"rollup"}),
        ({"unit_id": "count"}, set()),
        ({"numerator_label": "calls answered", "denominator_label": "calls offered"}, set()),
    ],
)
def test_a_kpis_roll_up_and_parts_are_checked(seed, fields, errors):

    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    kpi.unit_id = "percent"
    kpi.target, kpi.detriment, kpi.failure = Decimal(90), None, None
    for name, value in fields.items():
        setattr(kpi, name, value)
    if kpi.unit_id == "count":
        kpi.target = Decimal(1)
        kpi.direction = "lower"
    try:
        kpi.clean()
        found = set()
    except ValidationError as error:
        found = set(error.message_dict)
    assert found == errors


def test_the_default_roll_up_follows_the_kpis_unit_and_parts(seed):

    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    kpi.unit_id, kpi.rollup = "count", ""
    assert kpi.rollup_rule == "sum"
    kpi.unit_id = "percent"
    assert kpi.rollup_rule == "average"
    kpi.numerator_label, kpi.denominator_label = "calls answered", "calls offered"
    assert kpi.rollup_rule == "ratio"
