"""Monthly KPIs with their months saved in the ICT contract's 2019/20 Q3, for the tests of the
months on the KPI page's chart and in the KPI table."""

from decimal import Decimal

from kpis.choices import Direction, Frequency, ReturnState
from kpis.models import Kpi, QuarterlyReturn
from kpis.writes import saving
from tests.kpis.monthly import DEC, NOV, OCT, add_monthly_kpis, month, monthly_entry
from tests.kpis.returns import reading_in, row_entry, start_return


def save_months(officer, contract) -> QuarterlyReturn:
    """WASTE (a sum, at most 300 tonnes): 100, not measured, 250 (the quarter 350, above
    target); CALLS (a ratio, at least 90%, detriment 87, failure 84): 95 of 100, 85 of 100, and
    December left out; and QUARTERLY, a quarterly KPI (the seed's ICT KPIs are all monthly),
    at 3 failures. The return stays a draft."""
    add_monthly_kpis(contract)
    Kpi.objects.create(
        contract=contract,
        service_area=contract.service_areas.first(),
        reference="QUARTERLY",
        description="Failures in the quarter",
        frequency=Frequency.QUARTERLY,
        unit_id="count",
        direction=Direction.LOWER,
        target=Decimal(5),
    )
    quarterly_return = start_return(officer, contract)
    waste = monthly_entry(
        reading_in(quarterly_return, "WASTE"),
        month(OCT, 100),
        month(NOV, reason="Weighbridge broken"),
        month(DEC, 250),
    )
    calls = monthly_entry(
        reading_in(quarterly_return, "CALLS"),
        month(OCT, numerator=95, denominator=100),
        month(NOV, numerator=85, denominator=100),
    )
    quarterly = row_entry(reading_in(quarterly_return, "QUARTERLY"), 3)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=[waste, calls, quarterly]
    )
    return quarterly_return


def approve(quarterly_return: QuarterlyReturn) -> None:
    quarterly_return.state = ReturnState.APPROVED
    quarterly_return.save()
