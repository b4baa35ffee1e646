"""API tokens die with their user's password, and the admin never lists a whole key."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

NEW_PASSWORD = "a-different-horse-entirely"
TOKENS = "/admin/api/apitoken/"


@pytest.fixture
def token(officer) -> Token:
    return Token.objects.create(user=officer)


def _works(token: Token) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    status = client.get("/api/v1/contracts/").status_code
    assert status in (200, 401), status
    return status == 200


def test_it_revokes_a_token_when_its_users_password_is_set(officer, token):
    assert _works(token)

    officer.set_password(NEW_PASSWORD)
    officer.save()

    assert not Token.objects.filter(user=officer).exists()
    assert not _works(token)


def test_it_revokes_a_token_when_an_administrator_changes_the_password(
    client, admin_user, officer, token
):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()
    assert not _works(token)


def test_it_revokes_a_token_when_changepassword_is_run(monkeypatch, officer, token):
    monkeypatch.setattr("getpass.getpass", lambda *args, **kwargs: NEW_PASSWORD)
    call_command("changepassword", "officer")

    assert not _works(token)


def test_it_keeps_a_token_when_anything_but_the_password_changes(officer, token):
    officer.first_name = "Renamed"
    officer.save()

    assert _works(token)


def test_it_keeps_a_token_when_signing_in_only_rehashes_the_same_password(
    client, settings, officer, token
):
    # A newer hasher first: the next sign-in stores the same password hashed anew.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    was = officer.password

    assert client.login(username="officer", password=PASSWORD)

    officer.refresh_from_db()
    assert officer.password != was and officer.password.startswith("pbkdf2_")
    assert _works(token)


def test_it_lists_tokens_by_the_start_of_their_key_only(client, admin_user, token):
    client.force_login(admin_user)

    listing = client.get(TOKENS).content.decode()
    change = client.get(f"{TOKENS}{token.user_id}/change/").content.decode()

    assert f"{token.key[:4]}…" in listing and "officer" in listing
    assert token.key not in listing
    assert token.key[:8] not in listing + change


def test_it_refuses_to_look_keys_up_from_the_address(client, admin_user, token):
    client.force_login(admin_user)

    assert client.get(TOKENS, {"key__startswith": token.key[:1]}).status_code == 400
    assert client.get(TOKENS, {"q": token.key}).content.decode().count("officer") == 0


def test_it_shows_a_new_key_once_to_whoever_issues_it(client, admin_user, officer):
    client.force_login(admin_user)

    issued = client.post(f"{TOKENS}add/", {"user": officer.pk})

    key = Token.objects.get(user=officer).key
    assert issued.status_code == 200
    assert key in issued.content.decode()
    assert "no-store" in issued["Cache-Control"]
    assert key not in client.get(TOKENS).content.decode()
    assert not LogEntry.objects.filter(object_repr__contains=key[:8]).exists()
