"""Sessions live on the server, so that signing out ends them everywhere (docs/performance.md)."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD


def test_it_refuses_a_copy_of_the_session_cookie_after_sign_out(client, committee_member):
    assert (
        client.post("/accounts/login/", {"username": "committee", "password": PASSWORD}).status_code
        == 302
    )
    copied = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = copied
    assert other.get("/").status_code == 200

    client.post("/accounts/logout/")

    # Signed cookies would still be accepted here: the server keeps nothing it could forget.
    response = other.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
