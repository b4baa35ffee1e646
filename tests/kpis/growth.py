"""More of everything than the seed holds, to show that page query counts do not grow with it.

Both sizes hold monthly KPIs with their months (`with_months`): the seed's own monthly KPIs get
months beneath their readings, and KPIs of every roll-up rule (one collected as parts) are added;
`grow` adds more of them on top of everything else, so that a page reading the months per KPI or
per quarter, rather than in one query, fails its pinned count.
"""

from decimal import ROUND_FLOOR, Decimal

from contracts.models import Contract
from kpis.choices import Direction, Frequency, ReturnState, Rollup, UnitCode
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod, Suspension
from kpis.models.months import quarter_from
from kpis.rules import rollup
from tests.factories import make_area, make_kpi, make_return, period

EXTRA_QUARTERS = ["2019-12-31", "2020-03-31"]

# One monthly KPI of each roll-up rule: (unit, direction, target, rule, collected as parts).
MONTHLY_SHARE = [
    (UnitCode.COUNT, Direction.LOWER, Decimal(2), Rollup.SUM, False),
    (UnitCode.PERCENT, Direction.HIGHER, Decimal(85), Rollup.AVERAGE, False),
    (UnitCode.PERCENT, Direction.HIGHER, Decimal(90), Rollup.LAST, False),
    (UnitCode.DAYS, Direction.LOWER, Decimal(10), Rollup.WORST, False),
    (UnitCode.PERCENT, Direction.HIGHER, Decimal(95), Rollup.RATIO, True),
]
MONTHLY_PREFIX = "MONTHLY-"
NOT_MEASURED = "No calls received"


def grow(contract: Contract) -> None:
    """Two more quarters, a new service area of six KPIs, more monthly KPIs, a figure for every
    KPI and quarter, and months beneath every monthly KPI's figure."""
    for end in EXTRA_QUARTERS:
        make_return(contract, end, state=ReturnState.APPROVED)
    area = make_area(contract, "EXTRA", position=99)
    for n in range(6):
        make_kpi(area, f"EX-{n}", detriment=Decimal(85), failure=Decimal(80))
    Suspension.objects.create(
        kpi=Kpi.objects.get(contract=contract, reference="EX-0"),
        first_quarter=period(EXTRA_QUARTERS[0]).end_date,
        reason="Testing a suspension.",
    )
    add_monthly_kpis(contract)
    held = set(Reading.objects.for_contract(contract).values_list("kpi_id", "period_id"))
    quarters = list(ReportingPeriod.objects.for_contract(contract))
    new = []
    for i, kpi in enumerate(Kpi.objects.for_contract(contract)):
        for j, quarter in enumerate(quarters):
            if (kpi.pk, quarter.pk) in held:
                continue
            value = Decimal(70 + (i * 7 + j * 3) % 30)
            reading = Reading(kpi=kpi, period=quarter, value=value, unit_id=kpi.unit_id)
            if kpi.unit != "percent":
                reading.value = Decimal((i + j) % 3)
            reading.commentary = "Missed: recovery plan agreed." if j % 2 else ""
            new.append(reading)
    Reading.objects.bulk_create(new)
    write_months(contract)


def with_months(contract: Contract) -> None:
    """Monthly KPIs of every roll-up rule added to the contract with a reading in each of its
    quarters, and three months beneath every monthly KPI's reading."""
    added = add_monthly_kpis(contract)
    quarters = list(ReportingPeriod.objects.for_contract(contract))
    Reading.objects.bulk_create(
        Reading(kpi=kpi, period=quarter, unit_id=kpi.unit_id)
        for kpi in added
        for quarter in quarters
    )
    write_months(contract)


def add_monthly_kpis(contract: Contract) -> list[Kpi]:
    """A monthly KPI of each roll-up rule (`MONTHLY_SHARE`), numbered after any added before."""
    area = contract.service_areas.order_by("position").first()
    held = Kpi.objects.filter(contract=contract, reference__startswith=MONTHLY_PREFIX).count()
    batch = 1 + held // len(MONTHLY_SHARE)
    added = []
    for unit, direction, target, rule, parts in MONTHLY_SHARE:
        step = 1 if direction == Direction.HIGHER else -1
        added.append(
            Kpi.objects.create(
                contract=contract,
                service_area=area,
                reference=f"{MONTHLY_PREFIX}{rule}-{batch}",
                description=f"A monthly KPI rolled up by its {rule}",
                frequency=Frequency.MONTHLY,
                unit_id=unit,
                direction=direction,
                target=target,
                detriment=target - step * 2,
                failure=target - step * 4,
                rollup=rule,
                numerator_label="calls answered" if parts else "",
                denominator_label="calls offered" if parts else "",
                position=100 + batch,
            )
        )
    return added


def write_months(contract: Contract) -> None:
    """Three months beneath every reading of the contract's monthly KPIs that has none, and the
    quarter rolled up from them as the return page writes it (`quarter_from`)."""
    readings = list(
        Reading.objects.for_contract(contract)
        .filter(kpi__frequency=Frequency.MONTHLY, months__isnull=True)
        .select_related("kpi__unit", "period")
        .order_by("pk")
    )
    figures = []
    for index, reading in enumerate(readings):
        months = _months(reading, index)
        quarter = quarter_from(reading, months)
        reading.value, reading.not_measured_reason = quarter.value, quarter.not_measured_reason
        figures += months
    Reading.objects.bulk_update(readings, ["value", "not_measured_reason"])
    MonthlyFigure.objects.bulk_create(figures)


def _months(reading: Reading, index: int) -> list[MonthlyFigure]:
    """Months around the quarter's figure as held (the target where there is none), so that the
    quarter rolled up from them keeps its status; every third quarter has a month not measured,
    and a quarter not measured has each month not measured for its reason."""
    kpi = reading.kpi
    ends = rollup.quarter_months(reading.period.end_date)
    if reading.value is None and reading.not_measured_reason:
        reason = reading.not_measured_reason
        return [
            MonthlyFigure(reading=reading, month_end=end, not_measured_reason=reason)
            for end in ends
        ]
    figure = reading.value if reading.value is not None else kpi.target or Decimal(1)
    values = [figure] * 3
    if kpi.rollup_rule == Rollup.SUM:
        third = (figure / 3).to_integral_value(ROUND_FLOOR)
        values = [third, third, figure - 2 * third]
    months = []
    for number, (end, value) in enumerate(zip(ends, values, strict=True)):
        month = MonthlyFigure(reading=reading, month_end=end)
        if number == 1 and index % 3 == 0:
            month.not_measured_reason = NOT_MEASURED
        elif kpi.has_parts:
            month.numerator, month.denominator = value, Decimal(100)
            month.fill_from_parts()
        else:
            month.value = value
        months.append(month)
    return months
