"""Requests generated from the OpenAPI schema, sent to the app through WSGI: no server errors,
and every successful answer matches the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import response_schema_conformance

from serco_kpi.wsgi import application

CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


@pytest.fixture
def operations(db, settings) -> list:
    # Requests through WSGI name the host "localhost".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
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
