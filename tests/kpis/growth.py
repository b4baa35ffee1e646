"""More of everything than the seed holds, to show that page query counts do not grow with it."""

from decimal import Decimal

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, Reading, ReportingPeriod, Suspension
from tests.factories import make_area, make_kpi, make_return, period

EXTRA_QUARTERS = ["2019-12-31", "2020-03-31"]


def grow(contract: Contract) -> None:
    """Two more quarters, a new service area of six KPIs, and a figure for every KPI and quarter."""
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
