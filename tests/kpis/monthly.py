"""Monthly KPIs added to a seed contract, and their months entered in a few words, for the tests
of the months beneath a quarter."""

import datetime
from decimal import Decimal

from kpis.choices import Direction, Frequency, Rollup
from kpis.models import Kpi, Unit
from kpis.writes.returns import MonthEntry, RowEntry

OCT, NOV, DEC = (
    datetime.date(2019, 10, 31),
    datetime.date(2019, 11, 30),
    datetime.date(2019, 12, 31),
)


def add_monthly_kpis(contract) -> dict[str, Kpi]:
    """A percentage collected as parts (calls answered of calls offered), recomputed as a ratio;
    and a tonnage, added up."""
    Unit.objects.ensure_shared()
    area = contract.service_areas.first()
    calls = Kpi.objects.create(
        contract=contract,
        service_area=area,
        reference="CALLS",
        description="Calls answered within 20 seconds",
        frequency=Frequency.MONTHLY,
        unit_id="percent",
        direction=Direction.HIGHER,
        target=Decimal(90),
        detriment=Decimal(87),
        failure=Decimal(84),
        numerator_label="calls answered",
        denominator_label="calls offered",
    )
    waste = Kpi.objects.create(
        contract=contract,
        service_area=area,
        reference="WASTE",
        description="Waste sent to landfill",
        frequency=Frequency.MONTHLY,
        unit_id="tonnes",
        direction=Direction.LOWER,
        target=Decimal(300),
        rollup=Rollup.SUM,
    )
    return {"CALLS": calls, "WASTE": waste}


def _d(value):
    return None if value is None else Decimal(str(value))


def month(end, value=None, reason="", numerator=None, denominator=None) -> MonthEntry:
    return MonthEntry(end, _d(value), reason, _d(numerator), _d(denominator))


def monthly_entry(reading, *months, value=None, reason="", commentary="") -> RowEntry:
    return RowEntry(
        kpi_id=reading.kpi_id,
        version=reading.version,
        value=_d(value),
        not_measured_reason=reason,
        commentary=commentary,
        months=tuple(months),
    )
