"""Quarterly returns made, filled and read in a few words, for the tests of everything that
happens to a return."""

import datetime
from decimal import Decimal

from kpis.choices import Direction, UnitCode
from kpis.models import QuarterlyReturn, Reading
from kpis.writes import opening
from kpis.writes.saving import RowEntry

Q3 = datetime.date(2019, 12, 31)


def start_return(user, contract, end=Q3) -> QuarterlyReturn:
    return opening.open_return(contract=contract, end_date=end, user=user)


def row_entry(reading: Reading, value=None, reason="", commentary="", target=None) -> RowEntry:
    return RowEntry(
        kpi_id=reading.kpi_id,
        version=reading.version,
        value=None if value is None else Decimal(str(value)),
        not_measured_reason=reason,
        commentary=commentary,
        target_override=None if target is None else Decimal(str(target)),
    )


def reading_in(quarterly_return: QuarterlyReturn, reference: str) -> Reading:
    return Reading.objects.select_related("kpi").get(
        kpi__contract=quarterly_return.contract,
        kpi__reference=reference,
        period=quarterly_return.period,
    )


def fill_return(quarterly_return: QuarterlyReturn) -> list[RowEntry]:
    """A figure that meets its target for every KPI (or a reason where it has no target)."""
    entries = []
    readings = Reading.objects.filter(
        kpi__contract=quarterly_return.contract, period=quarterly_return.period
    ).select_related("kpi")
    for reading in readings:
        kpi = reading.kpi
        if kpi.target is None:
            entries.append(row_entry(reading, reason="No survey"))
        elif kpi.unit_id == UnitCode.PERCENT:
            entries.append(row_entry(reading, 100 if kpi.direction == Direction.HIGHER else 0))
        else:
            best = kpi.scale_max or kpi.target * 2 if kpi.direction == Direction.HIGHER else 0
            entries.append(row_entry(reading, best))
    return entries
