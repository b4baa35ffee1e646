"""Requests generated from the OpenAPI schema, sent to the app through WSGI: no server errors,
and every successful answer matches the schema."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import response_schema_conformance

from kpis.choices import ReturnState
from kpis.models import Kpi, Suspension
from serco_kpi.wsgi import application
from tests.kpis.monthly import add_monthly_kpis, enter_months_across_thresholds

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_keeps_test_connection():
    """Calls through WSGI would close the test's database connection after each request, as
    Django does between real requests, and with it the test's transaction; the test client
    stops that in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def operations(db, settings, wsgi_keeps_test_connection, token) -> list:
    # Requests through WSGI name the host "localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # The schema needs a sign-in, like the rest of the API.
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", application, headers={"Authorization": f"Token {token}"}
    )
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 9
    return found


@pytest.fixture
def token(committee_member) -> str:
    return Token.objects.create(user=committee_member).key


def test_it_never_answers_with_a_server_error(seed, operations, token):
    headers = {"Authorization": f"Token {token}"}
    cases = st.one_of([op.as_strategy() for op in operations])

    @given(case=cases)
    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_a_reading_with_its_months_matches_the_schema(seed, officer, operations, token):
    add_monthly_kpis(seed["ICT"])
    entered = enter_months_across_thresholds(officer, seed["ICT"])
    Suspension.objects.create(
        kpi=Kpi.objects.get(reference="CALLS"),
        first_quarter=datetime.date(2019, 12, 31),
        reason="New telephone system.",
    )
    entered.state = ReturnState.APPROVED
    entered.save()
    readings = next(op for op in operations if op.path == "/api/v1/readings/")
    found = {}
    for reference in ("CALLS", "WASTE"):
        case = readings.Case(query={"kpi": reference, "quarter": "2019-12-31"})
        response = case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, checks=CHECKS
        )
        [found[reference]] = response.json()["results"]
    # Months with every field given, a suspended status and what it would have been; and none.
    assert [m["would_have_been"] for m in found["CALLS"]["months"]] == [
        "met",
        "below_target",
        "detriment",
    ]
    assert (found["WASTE"]["months"], found["WASTE"]["entered_for_quarter"]) == ([], True)
