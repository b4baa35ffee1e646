"""The costly middle of a contract's pages, rendered once per version of the contract's data.

A fragment is kept under the contract's data version (moved on, in the same transaction, by
every change to what its pages show: `kpis.data_version`), the day (statuses such as "missing"
follow the date), the reader's part in the contract (which decides the quarters and actions
shown) and the query string. A stale fragment is therefore never served, and checking costs no
query: the version comes with the contract row the page reads anyway. The key lives in the
database, so this holds however many app servers share it, each with its own in-process cache.

A fragment must not hold anything of one request: no CSRF token, CSP nonce or user's name.
Those stay in the page around it, rendered every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString

from contracts.models import Contract
from contracts.roles import Role, contracts_worked_on, has_role, part_in

CACHE = "pages"


@dataclass(frozen=True)
class Fragment:
    html: SafeString
    # The page's title says "Error:" when the query string held a bad choice.
    has_errors: bool = False


def fragment(
    request: HttpRequest, contract: Contract, name: str, build: Callable[[], Fragment]
) -> Fragment:
    """`build()`'s fragment for this page of `contract`, from the cache where it is there."""
    who = str(part_in(request.user, contract.pk))
    return cached(request, [name, who, _versions([contract])], build)


def fragment_of_many(
    request: HttpRequest, contracts: list[Contract], name: str, build: Callable[[], Fragment]
) -> Fragment:
    """The same for a page about many contracts (the home page): kept under all their
    versions and the reader's roles, or the reader alone where they work on contracts (their
    panel of returns is their own)."""
    user = request.user
    roles = ",".join(role.value for role in Role if has_role(user, role))
    who = f"{user.is_superuser}:{roles}:{user.pk if contracts_worked_on(user) else ''}"
    return cached(request, [name, who, _versions(contracts)], build)


def _versions(contracts: list[Contract]) -> str:
    return ",".join(f"{c.pk}.{c.data_version}" for c in sorted(set(contracts), key=_pk))


def _pk(contract: Contract) -> int:
    return contract.pk


def cached(request: HttpRequest, parts: list[str], build: Callable[[], Fragment]) -> Fragment:
    parts = [*parts, timezone.localdate().isoformat(), request.GET.urlencode()]
    key = "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    cache = caches[CACHE]
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found)
    return found
