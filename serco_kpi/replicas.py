"""Reads from read replicas, for requests that change nothing.

With `DATABASE_REPLICA_URLS` set, a request that can change nothing (GET or HEAD) by someone who
has not just changed something reads the contract data from one replica, chosen at random per
request; everything else reads and writes the primary:

- every write, and every read of a request that may write (POST and the like);
- a person's reads for `REPLICA_PIN_SECONDS` after their own write, so that they see what they
  just saved although the replica may lag behind it (a cookie marks the time);
- sessions, users, lockouts and content types, which a sign-in writes and the next request
  reads at once;
- management commands, the admin and anything outside a request.

A page is read from a replica inside one REPEATABLE READ transaction, so every query of the page
sees the same snapshot. That is what keeps the page cache right when a replica lags: the
contract's data version and the figures come from one moment of the primary's history, so a
fragment is never kept under one version with figures of another. A lagging replica shows an
older page, whole; never a mixed one.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

PRIMARY = "default"
# Read and written together within a request or the next: never from a replica.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "axes", "contenttypes", "admin"})
SAFE_METHODS = frozenset({"GET", "HEAD"})
PIN_COOKIE = "read_primary_until"

_reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    """Sends a read to the request's replica where the middleware chose one; all else to the
    primary."""

    def db_for_read(self, model, **hints) -> str:
        alias = _reading_from.get()
        if alias and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return alias
        return PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # A replica holds the primary's rows: an object read from either may point to the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Chooses where a request reads from, and remembers a person's write for a short while."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        alias = self._replica_for(request)
        if alias is None:
            response = self.get_response(request)
        else:
            token = _reading_from.set(alias)
            try:
                with transaction.atomic(using=alias):
                    response = self.get_response(request)
            finally:
                _reading_from.reset(token)
        if request.method not in SAFE_METHODS and replica_aliases():
            until = time.time() + settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{until:.0f}",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _replica_for(self, request: HttpRequest) -> str | None:
        aliases = replica_aliases()
        if (
            not aliases
            or request.method not in SAFE_METHODS
            or request.path_info.startswith(_admin_prefix())
            or _pinned(request)
        ):
            return None
        alias = random.choice(aliases)
        try:
            connections[alias].ensure_connection()
        except DatabaseError:
            # A replica that cannot be reached leaves its readers on the primary, not in error.
            return None
        return alias


@functools.cache
def _admin_prefix() -> str:
    # The admin edits what it shows: its pages read the primary they write to.
    return reverse("admin:index")


def _pinned(request: HttpRequest) -> bool:
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return False
    return time.time() < until
