"""Small builders for test data. Each takes what the test cares about and defaults the rest."""

import datetime
from decimal import Decimal

from contracts.models import Contract, ServiceArea
from kpis.choices import Direction, Frequency, UnitCode
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod, Unit


def make_contract(code: str = "TEST", **fields) -> Contract:
    defaults = {"name": f"{code} contract", "authority": "Test Council", "supplier": "Supplier Ltd"}
    return Contract.objects.create(code=code, **{**defaults, **fields})


def make_area(contract: Contract, code: str = "AREA", **fields) -> ServiceArea:
    return ServiceArea.objects.create(contract=contract, code=code, name=f"{code} area", **fields)


def make_kpi(area: ServiceArea, reference: str = "K-1", **fields) -> Kpi:
    defaults = {
        "description": f"KPI {reference}",
        "frequency": Frequency.MONTHLY,
        "unit": UnitCode.PERCENT,
        "direction": Direction.HIGHER,
        "target": Decimal(90),
    }
    fields = {**defaults, **fields}
    if isinstance(fields["unit"], str):
        Unit.objects.ensure_shared()
        fields["unit_id"] = fields.pop("unit")
    return Kpi.objects.create(
        contract=area.contract, service_area=area, reference=reference, **fields
    )


def period(end: str) -> ReportingPeriod:
    return ReportingPeriod.objects.for_date(datetime.date.fromisoformat(end))


def make_reading(kpi: Kpi, end: str, value=None, **fields) -> Reading:
    value = None if value is None else Decimal(str(value))
    return Reading.objects.create(kpi=kpi, period=period(end), value=value, **fields)


def make_return(contract: Contract, end: str, **fields) -> QuarterlyReturn:
    return QuarterlyReturn.objects.create(contract=contract, period=period(end), **fields)
