import datetime

import pytest

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading, ReportingPeriod


@pytest.fixture
def more_quarters(seed):
    """Adds a figure for every KPI in each of four more approved quarters, to grow the data."""

    def add(n: int = 4) -> int:
        created = 0
        for i in range(n):
            period = ReportingPeriod.objects.for_date(datetime.date(2020 + i, 6, 30))
            for contract in Contract.objects.all():
                QuarterlyReturn.objects.create(
                    contract=contract, period=period, state=ReturnState.APPROVED
                )
            for kpi in Kpi.objects.all():
                Reading.objects.create(kpi=kpi, period=period, value=kpi.target or 1)
                created += 1
        return created

    return add
