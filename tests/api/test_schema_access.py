"""The schema needs a sign-in, documents the error answers, and tokens expire."""

import datetime

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def test_it_keeps_the_schema_and_docs_from_anonymous_visitors(db):
    client = APIClient()
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/docs/").status_code == 401


def test_it_documents_the_error_answers_of_every_operation(committee_member, client_for):
    schema = client_for(committee_member).get("/api/v1/schema/?format=json").json()
    for path in schema["paths"].values():
        for operation in path.values():
            assert {"200", "400", "401", "404"} <= set(operation["responses"])


def test_it_refuses_an_expired_token(seed, committee_member, client_for, settings):
    client = client_for(committee_member)
    assert client.get("/api/v1/kpis/").status_code == 200

    Token.objects.filter(user=committee_member).update(
        created=timezone.now() - datetime.timedelta(days=settings.API_TOKEN_DAYS + 1)
    )

    response = client.get("/api/v1/kpis/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
