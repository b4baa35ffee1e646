"""API tokens die with their user's password.

Whoever changes a password or takes it away (themselves, an administrator in the admin, setting a
new one or disabling password sign-in, `changepassword`, a script writing the hash) is usually
shutting someone out: a token issued before must stop working too, or it would outlive the
password it was meant to stand beside for up to API_TOKEN_DAYS.

So a user's tokens go whenever the stored password hash changes, to anything, an unusable one
included. The hash in the database is read just before the save, never remembered from when the
user was loaded: an object refreshed or saved twice compares with what is stored now. Two things
revoke nothing: an unusable password that stays as it was (API-only accounts often have one),
and Django storing the same password hashed anew as its owner signs in.

`ApiConfig.ready` connects the two receivers to the user model's `pre_save` and `post_save`.
"""

from __future__ import annotations

from django.contrib.auth.hashers import (
    BasePasswordHasher,
    get_hasher,
    identify_hasher,
    is_password_usable,
)
from rest_framework.authtoken.models import Token

# Set by the pre_save check on the user being saved, acted on once the save is done.
_REVOKE = "_revoke_api_tokens"


def notice_a_password_change(sender, instance, update_fields, using: str, **kwargs) -> None:
    setattr(instance, _REVOKE, _password_changes(sender, instance, update_fields, using))


def revoke_tokens_on_password_change(sender, instance, **kwargs) -> None:
    if getattr(instance, _REVOKE, False):
        Token.objects.filter(user=instance).delete()
        setattr(instance, _REVOKE, False)


def _password_changes(sender, user, update_fields, using: str) -> bool:
    """Whether this save writes a password hash other than the one stored."""
    if user._state.adding or (update_fields is not None and "password" not in update_fields):
        return False
    stored = (
        sender._default_manager.using(using)
        .filter(pk=user.pk)
        .values_list("password", flat=True)
        .first()
    )
    if stored is None or stored == user.password:
        return False
    return not _rehashed_at_sign_in(user, stored, update_fields)


def _rehashed_at_sign_in(user, stored: str, update_fields) -> bool:
    """Whether this save is `AbstractBaseUser.check_password` storing the same password hashed anew.

    It does so when the password checked right against a hash out of date (another hasher, fewer
    iterations than now): it hashes the password with today's hasher, clears `_password` (the
    password did not change) and saves the password alone. A new password always comes with
    `_password` set; an unusable one, or a hash written by hand, is not exactly that.
    """
    old, new = _hasher_of(stored), _hasher_of(user.password)
    return (
        update_fields == frozenset({"password"})
        and getattr(user, "_password", None) is None
        and old is not None
        and _out_of_date(old, stored)
        and new is not None
        and not _out_of_date(new, user.password)
    )


def _hasher_of(encoded: str) -> BasePasswordHasher | None:
    """The hasher that made a usable hash; None for an unusable one or one of no hasher known."""
    if not is_password_usable(encoded):
        return None
    try:
        return identify_hasher(encoded)
    except ValueError:
        return None


def _out_of_date(hasher: BasePasswordHasher, encoded: str) -> bool:
    """Whether Django would hash this password anew at its owner's next sign-in."""
    preferred = get_hasher()
    return hasher.algorithm != preferred.algorithm or preferred.must_update(encoded)
