import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/contracts/",
    "/api/v1/contracts/PSSP/",
    "/api/v1/periods/",
    "/api/v1/kpis/",
    "/api/v1/readings/",
    "/api/v1/summaries/",
]
ROLES = ["officer", "manager", "committee_member", "outsider", "admin_user"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_anonymous_requests(seed, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_it_lets_every_role_read_by_token(seed, request, client_for, role, url):
    user = request.getfixturevalue(role)
    assert client_for(user).get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_it_lets_every_signed_in_role_read_by_session(seed, request, client, role):
    user = request.getfixturevalue(role)
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/api/v1/readings/")
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_it_refuses_a_wrong_token(seed):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/readings/").status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_never_writes(seed, admin_user, client_for, method):
    client = client_for(admin_user)
    reading_id = client.get("/api/v1/readings/").json()["results"][0]["id"]
    response = getattr(client, method)(f"/api/v1/readings/{reading_id}/", {"value": 1})
    assert response.status_code == 405
    assert getattr(client, method)("/api/v1/readings/", {"value": 1}).status_code == 405


def test_it_serves_the_schema_and_docs_to_a_signed_in_client(committee_member, client_for):
    client = client_for(committee_member)
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200


def test_it_issues_a_token_from_the_command_line(officer):
    call_command("drf_create_token", "officer")
    token = Token.objects.get(user=officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/contracts/").status_code == 200
