"""The demo data generator makes what it says, valid by the app's own rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract, ServiceArea
from kpis.choices import Direction, Frequency, ReturnState, Rollup, UnitCode
from kpis.models import (
    Kpi,
    MonthlyFigure,
    QuarterlyReturn,
    Reading,
    ReportingPeriod,
    Suspension,
)
from kpis.models.months import quarter_from
from kpis.rules import rollup
from kpis.rules.status import Status
from kpis.writes import demo_data

LAST = datetime.date(2019, 3, 31)


@pytest.fixture
def made(db):
    return demo_data.generate(contracts=3, kpis=12, quarters=8, last_quarter=LAST)


def test_it_makes_the_rows_it_reports(made):
    assert made.contracts == Contract.objects.count() == 3
    assert made.kpis == Kpi.objects.count() == 36
    assert made.periods == 8
    assert made.readings == Reading.objects.count() == 3 * 12 * 8
    assert made.months == MonthlyFigure.objects.count() > 0
    assert made.returns == QuarterlyReturn.objects.count() == 3 * 8
    assert made.suspensions == Suspension.objects.count()
    assert made.service_areas == ServiceArea.objects.count()
    assert made.contract_codes == ["DEMO0001", "DEMO0002", "DEMO0003"]


def test_it_makes_one_reading_per_kpi_per_quarter(made):
    for kpi in Kpi.objects.all():
        assert sorted(kpi.readings.values_list("period_id", flat=True)) == sorted(made.period_ids)


def test_it_uses_consecutive_quarters_up_to_the_last(made):
    ends = list(
        ReportingPeriod.objects.filter(pk__in=made.period_ids).values_list("end_date", flat=True)
    )
    assert ends[-1] == LAST
    assert ends[0] == datetime.date(2017, 6, 30)
    assert [p.quarter for p in ReportingPeriod.objects.filter(pk__in=made.period_ids)] == [
        1, 2, 3, 4, 1, 2, 3, 4,
    ]  # fmt: skip


def test_it_passes_the_apps_own_validation(made):
    for kpi in Kpi.objects.all():
        kpi.full_clean()
    for reading in Reading.objects.select_related("kpi")[:200]:
        reading.full_clean()


def test_it_mixes_units_directions_frequencies_and_states(db):
    demo_data.generate(contracts=4, kpis=40, quarters=12, last_quarter=LAST)
    kpis = Kpi.objects.all()

    assert set(kpis.values_list("unit", flat=True)) == set(UnitCode.values)
    assert set(kpis.values_list("direction", flat=True)) == set(Direction.values)
    assert set(kpis.values_list("frequency", flat=True)) == set(Frequency.values)
    assert kpis.filter(detriment__isnull=False).exists()
    assert Suspension.objects.exists()
    statuses = {r.status for r in Reading.objects.with_status(datetime.date(2020, 1, 1))}
    assert {Status.MET, Status.BELOW_TARGET, Status.NOT_MEASURED, Status.NOT_DUE} <= statuses
    assert {Status.SUSPENDED, Status.FAILURE} <= statuses
    assert Reading.objects.exclude(commentary="").exists()
    assert Reading.objects.filter(target_override__isnull=False).exists()
    states = set(QuarterlyReturn.objects.values_list("state", flat=True))
    assert states == set(ReturnState.values)


def test_half_the_kpis_are_monthly_with_every_roll_up_and_parts_on_some_percentages(db):
    demo_data.generate(contracts=4, kpis=40, quarters=4, last_quarter=LAST)
    monthly = Kpi.objects.filter(frequency=Frequency.MONTHLY).select_related("unit")

    assert monthly.count() * 2 == Kpi.objects.count()
    assert {kpi.rollup_rule for kpi in monthly} == set(Rollup)
    with_parts = [kpi for kpi in monthly if kpi.has_parts]
    assert with_parts
    assert {kpi.unit_id for kpi in with_parts} == {UnitCode.PERCENT}
    assert any(kpi.unit_id == UnitCode.PERCENT and not kpi.has_parts for kpi in monthly)
    assert not Kpi.objects.exclude(frequency=Frequency.MONTHLY).exclude(rollup="").exists()


def test_each_monthly_quarter_holds_three_months_and_is_rolled_up_from_them(db):
    made = demo_data.generate(contracts=2, kpis=20, quarters=6, last_quarter=LAST)
    readings = (
        Reading.objects.filter(kpi__frequency=Frequency.MONTHLY)
        .select_related("kpi__unit", "period")
        .prefetch_related("months")
    )

    assert readings.count() == 2 * 10 * 6
    assert made.months == 3 * readings.count()
    assert not MonthlyFigure.objects.exclude(reading__kpi__frequency=Frequency.MONTHLY).exists()
    kinds = set()
    for reading in readings:
        months = list(reading.months.all())
        assert [m.month_end for m in months] == rollup.quarter_months(reading.period.end_date)
        quarter = quarter_from(reading, months)
        assert (reading.value, reading.not_measured_reason) == (
            quarter.value,
            quarter.not_measured_reason,
        )
        for month in months:
            # The months pass the app's own rules; parts give the figure they are stored with.
            stored = (month.value, month.not_measured_reason)
            month.reading = reading
            assert month.problems() == {}
            assert (month.value, month.not_measured_reason) == stored
            kinds.add("parts" if month.numerator is not None else "figure")
            kinds.add("not measured" if month.value is None else "measured")
    assert kinds == {"parts", "figure", "measured", "not measured"}


def test_it_gives_the_same_data_for_the_same_seed(db):
    def figures(code: str) -> list:
        return list(
            Reading.objects.filter(kpi__contract__code=code)
            .order_by("kpi__position", "period__end_date")
            .values_list("kpi__reference", "value", "not_measured_reason", "commentary")
        ) + list(
            MonthlyFigure.objects.filter(reading__kpi__contract__code=code)
            .order_by("reading__kpi__position", "month_end")
            .values_list("value", "not_measured_reason", "numerator", "denominator")
        )

    for _ in range(2):
        demo_data.generate(contracts=1, kpis=10, quarters=4, last_quarter=LAST, seed=7)
    demo_data.generate(contracts=1, kpis=10, quarters=4, last_quarter=LAST, seed=8)

    assert figures("DEMO0001") == figures("DEMO0002")
    assert figures("DEMO0001") != figures("DEMO0003")


def test_it_carries_on_numbering_after_existing_demo_contracts(made):
    again = demo_data.generate(contracts=2, kpis=1, quarters=8, last_quarter=LAST)

    assert again.contract_codes == ["DEMO0004", "DEMO0005"]
    # The quarters are shared, not made twice.
    assert ReportingPeriod.objects.count() == 8


def test_the_command_reports_what_it_added(db, capsys):
    call_command(
        "generate_demo_data", "--contracts=2", "--kpis=5", "--quarters=4",
        "--last-quarter=2019-03-31",
    )  # fmt: skip

    out = capsys.readouterr().out
    assert "Added 2 contracts (DEMO0001 to DEMO0002)" in out
    # KPIs 1, 3 and 5 of each contract are monthly: three months beneath each of 24 readings.
    assert "10 KPIs, 40 readings over 4 quarters with 72 months" in out
    assert Reading.objects.count() == 40
    assert MonthlyFigure.objects.count() == 72


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--contracts=0", "--kpis=1", "--quarters=1"], "must be at least 1"),
        (["--contracts=x", "--kpis=1", "--quarters=1"], "is not a whole number"),
        (["--contracts=1", "--kpis=1", "--quarters=1", "--last-quarter=2019-03-30"], "quarter"),
    ],
)
def test_the_command_refuses_bad_sizes(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_demo_data", *args)
    assert not Contract.objects.exists()
