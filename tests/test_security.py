"""Security headers, cookie flags and sign-in throttling, checked on real responses."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

# What production sends: tests otherwise run over plain HTTP (see pyproject.toml).
HTTPS_ON = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}


@pytest.fixture
def https(settings):
    for name, value in HTTPS_ON.items():
        setattr(settings, name, value)


def _sign_in(client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_it_sends_a_content_security_policy_with_the_inline_scripts_nonce(client, db):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "base.html has an inline script to check"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)


def test_it_gives_each_response_a_new_nonce(client, db):
    first = client.get(reverse("login"))["Content-Security-Policy"]
    second = client.get(reverse("login"))["Content-Security-Policy"]

    assert re.search(r"'nonce-[^']+'", first).group() != re.search(r"'nonce-[^']+'", second).group()


def test_it_forbids_framing(client, db):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_redirects_plain_http_to_https(https, client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_it_sends_hsts_over_https(https, client, db):
    response = client.get(reverse("login"), secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_it_sets_secure_http_only_cookies_on_sign_in(https, client, officer):
    client.get(reverse("login"), secure=True)
    response = _sign_in(client, "officer", PASSWORD, secure=True)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    # Ends with the browser session: no expiry date is sent.
    assert session["expires"] == ""
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True


def test_it_expires_sessions(client, officer, settings):
    _sign_in(client, "officer", PASSWORD)

    assert 0 < client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    assert client.session.get_expire_at_browser_close() is True


def test_it_locks_a_username_out_after_repeated_failures(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "officer", "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()

    response = _sign_in(client, "officer", "wrong password")

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Once locked, even the right password is refused until the lockout ends.
    response = _sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_other_users(client, officer, manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "officer", "wrong password")

    response = _sign_in(client, "manager", PASSWORD)

    assert response.status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "officer", "wrong password")
    assert _sign_in(client, "officer", PASSWORD).status_code == 302
    client.logout()

    response = _sign_in(client, "officer", "wrong password")

    assert response.status_code == 200
