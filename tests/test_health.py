"""/healthz, and the 503 page when the database cannot be reached."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory
from django.urls import reverse

from serco_kpi import health

ROOT = Path(__file__).resolve().parent.parent


def _database_down(exception=OperationalError):
    return mock.patch.object(
        BaseDatabaseWrapper,
        "ensure_connection",
        side_effect=exception("connection to server at 10.0.0.5 refused: secret detail"),
    )


def test_it_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_does_not(client, db):
    with _database_down():
        response = client.get("/healthz")

    assert response.status_code == 503


@pytest.mark.parametrize("exception", [OperationalError, InterfaceError])
def test_it_shows_the_503_page_when_a_page_cannot_reach_the_database(client, officer, exception):
    client.force_login(officer)

    with _database_down(exception):
        response = client.get(reverse("home"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html
    assert "Traceback" not in html
    assert "secret detail" not in html


def test_it_recovers_when_the_database_returns(client, officer):
    client.force_login(officer)
    with _database_down():
        assert client.get(reverse("home")).status_code == 503

    assert client.get(reverse("home")).status_code == 200


def test_it_shows_the_503_page_for_a_database_failure_outside_any_view(db):
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = health.handler500(request)

    assert response.status_code == 503
    assert b"Sorry, the service is unavailable" in response.content


def test_it_keeps_the_plain_500_page_for_other_errors(db):
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = health.handler500(request)

    assert response.status_code == 500


def test_it_answers_503_with_a_database_on_a_closed_port():
    """A real connection refused, in a fresh process: nothing here is mocked."""
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.test import Client
        client = Client(raise_request_exception=False)
        print("healthz", client.get("/healthz").status_code)
        client.cookies["sessionid"] = "a-session-that-needs-the-database"
        response = client.get("/")
        print("home", response.status_code)
        print("page", b"Sorry, the service is unavailable" in response.content)
        """
    )
    keep = {"PATH", "HOME", "LANG", "PYTHONPATH"}
    env = {k: v for k, v in os.environ.items() if k in keep} | {
        "DJANGO_SETTINGS_MODULE": "serco_kpi.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "HTTPS_ONLY": "0",
        "STATIC_MANIFEST": "0",
        # Port 9 (discard) has nothing listening on loopback: the connection is refused.
        "DATABASE_URL": "postgres://kpi@127.0.0.1:9/kpi?connect_timeout=3",
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["healthz 503", "home 503", "page True"]
