"""API tokens die with their user's password, and the admin never lists a whole key."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from rest_framework.authtoken.models import Token, TokenProxy
from rest_framework.test import APIClient

from api.models import ApiToken
from contracts.models import Contract
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


def test_it_revokes_a_token_when_an_administrator_disables_the_password(
    client, admin_user, officer, token
):
    client.force_login(admin_user)
    # The admin's "Password-based authentication: Disabled", and its button.
    response = client.post(
        f"/admin/auth/user/{officer.pk}/password/",
        {"usable_password": "false", "password1": "", "password2": "", "unset-password": "1"},
    )

    assert response.status_code == 302, response.content.decode()
    officer.refresh_from_db()
    assert not officer.has_usable_password()
    assert not _works(token)


def test_it_revokes_a_token_when_a_hash_is_written_without_set_password(officer, token):
    officer.password = make_password(NEW_PASSWORD)
    officer.save(update_fields=["password"])

    assert not _works(token)


def test_it_keeps_an_api_only_accounts_token_while_its_unusable_password_stays(
    django_user_model, seed
):
    robot = django_user_model.objects.create_user(username="reporting-robot")
    assert not robot.has_usable_password()
    token = Token.objects.create(user=robot)

    robot.first_name = "Reporting"
    robot.save()
    robot.email = "robot@example.org"
    robot.save(update_fields=["email"])

    assert _works(token)


def test_it_compares_with_the_password_stored_not_the_one_loaded(officer):
    stale = type(officer).objects.get(pk=officer.pk)
    officer.set_password(NEW_PASSWORD)
    officer.save()
    token = Token.objects.create(user=officer)

    # Refreshed, then saved for something else: the password it writes is the one stored.
    stale.refresh_from_db()
    stale.first_name = "Renamed"
    stale.save()

    assert _works(token)


class FewerIterations(PBKDF2PasswordHasher):
    iterations = 1_000


class MoreIterations(PBKDF2PasswordHasher):
    iterations = 2_000


def test_it_keeps_a_token_when_signing_in_rehashes_with_more_iterations(client, settings, officer):
    # The same hasher, with more iterations than the stored hash had (as a Django upgrade does).
    settings.PASSWORD_HASHERS = [f"{__name__}.MoreIterations"]
    was = make_password(PASSWORD, hasher=FewerIterations())
    type(officer).objects.filter(pk=officer.pk).update(password=was)
    token = Token.objects.create(user=officer)

    assert client.login(username="officer", password=PASSWORD)

    officer.refresh_from_db()
    assert officer.password != was and "$2000$" in officer.password
    assert _works(token)


@pytest.mark.parametrize(
    "write",
    [
        lambda user: user.set_unusable_password(),
        lambda user: setattr(user, "password", make_password(NEW_PASSWORD, hasher="md5")),
    ],
    ids=["unusable", "by-hand"],
)
def test_it_revokes_a_token_when_an_out_of_date_hash_is_replaced_by_hand(
    settings, officer, token, write
):
    # Stored with a hasher no longer preferred, saved with the password alone, `_password`
    # clear: as a sign-in's rehash is, but not with a hash today's hasher would make.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert officer.password.startswith("md5$")

    write(officer)
    officer.save(update_fields=["password"])

    assert not _works(token)


def test_it_refuses_a_deactivated_users_token_without_revoking_it(officer, token):
    officer.is_active = False
    officer.save()
    assert not _works(token)

    officer.is_active = True
    officer.save()
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


@pytest.mark.parametrize("lookup", ["pk__startswith", "pk__gte", "pk__regex", "pk"])
def test_it_refuses_to_look_keys_up_by_their_other_name(client, admin_user, token, lookup):
    client.force_login(admin_user)

    response = client.get(TOKENS, {lookup: token.key[:3] if lookup != "pk" else token.key})

    assert response.status_code == 400
    assert "officer" not in response.content.decode()


def test_a_migration_cuts_the_keys_drf_s_token_admin_left_in_the_log(client, admin_user, token):
    proxy = ContentType.objects.get_for_model(TokenProxy, for_concrete_model=False)
    concrete = ContentType.objects.get_for_model(Token)
    ours = ContentType.objects.get_for_model(ApiToken, for_concrete_model=False)
    # DRF's proxy admin logs the user's id and the key; its older admin, the key twice.
    entries = [
        (proxy, str(token.user_id), token.key),
        (concrete, token.key, token.key),
        (ours, str(token.user_id), f"{token.key[:4]}…"),
        (ContentType.objects.get_for_model(Contract), "1", "a" * 40),
    ]
    for content_type, object_id, object_repr in entries:
        LogEntry.objects.create(
            user=admin_user,
            content_type=content_type,
            object_id=object_id,
            object_repr=object_repr,
            action_flag=ADDITION,
        )

    import_module("api.migrations.0002_cut_keys_in_the_admin_log").cut_keys(apps, None)

    cut = f"{token.key[:4]}…"
    assert list(LogEntry.objects.order_by("pk").values_list("object_id", "object_repr")) == [
        (str(token.user_id), cut),
        (cut, cut),
        (str(token.user_id), cut),
        ("1", "a" * 40),
    ]
    client.force_login(admin_user)
    recent_actions = client.get("/admin/").content.decode()
    assert cut in recent_actions and token.key[:8] not in recent_actions


@pytest.mark.parametrize("lookup", ["auth_token__key__startswith", "auth_token__pk__gte"])
def test_it_refuses_to_find_users_by_their_tokens_key(client, admin_user, token, lookup):
    client.force_login(admin_user)

    response = client.get("/admin/auth/user/", {lookup: token.key[:1]})

    assert response.status_code == 400
    assert "officer" not in response.content.decode()
