import datetime

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kpis.models import Kpi, Reading, ReportingPeriod


@pytest.fixture
def client_for():
    """An API client signed in by token as `user`, the way a machine client calls."""

    def make(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def more_quarters(seed):
    """Adds a figure for every KPI in each of four more quarters, to grow the data."""

    def add(n: int = 4) -> int:
        created = 0
        for i in range(n):
            period = ReportingPeriod.objects.for_date(datetime.date(2020 + i, 6, 30))
            for kpi in Kpi.objects.all():
                Reading.objects.create(kpi=kpi, period=period, value=kpi.target or 1)
                created += 1
        return created

    return add
