"""The costly middle of a contract's pages, rendered once per version of the contract's data.

A fragment is kept under the contract's data version (moved on, in the same transaction, by
every change to what its pages show: `kpis.writes.data_version`), the day (statuses such as
"missing" follow the date), the reader's part in the contract (which decides the quarters and
actions shown) and the page's filter once checked. A stale fragment is therefore never served, and
checking costs no query: the version comes with the contract row the page reads anyway. The key
lives in the database, so this holds however many app servers share it, each with its own
in-process cache.

The filter is the cleaned data of the page's form, written back as a query string in a fixed
order (`form_query`), never the query string as sent: parameters the page does not read are left
out, so `?z=1` and `?z=2` share the entry of the page without them, and a filter with errors is
built for its request and not kept (its message quotes the value typed). Anyone signed in can
therefore make only as many entries as there are filters to choose. The `pages` cache's size is
bounded in bytes (settings: `PAGE_CACHE_MB`), which holds because no fragment bigger than
`PAGE_FRAGMENT_MAX_BYTES` is kept. A bigger fragment is kept compressed (`Packed`): a page's HTML
repeats itself row after row, so the home page listing hundreds of returns (over a megabyte as
HTML, some 35 KB compressed) is kept too, instead of being built at every request; unpacking it
costs about a millisecond, which the smaller contract pages, kept as they are, do not pay.

A fragment must not hold anything of one request: no CSRF token, CSP nonce or user's name.
Those stay in the page around it, rendered every time.
"""

from __future__ import annotations

import copy
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from contracts.models import Contract
from contracts.roles import Role, contracts_worked_on, has_role, part_in

CACHE = "pages"
# The `query` of a page that reads nothing from its query string.
NO_FILTER = ""


@dataclass(frozen=True)
class Fragment:
    html: SafeString
    # The page's title says "Error:" when the query string held a bad choice.
    has_errors: bool = False


@dataclass(frozen=True)
class Packed:
    """A fragment too big to keep as it is, kept compressed."""

    html: bytes
    has_errors: bool

    def unpack(self) -> Fragment:
        # Only fragments this module rendered are ever packed.
        return Fragment(mark_safe(zlib.decompress(self.html).decode()), self.has_errors)


def fragment(
    request: HttpRequest,
    contract: Contract,
    name: str,
    build: Callable[[], Fragment],
    *,
    query: str | None,
) -> Fragment:
    """`build()`'s fragment for this page of `contract`, from the cache where it is there.

    `query` is the page's checked filter (`form_query`, or `NO_FILTER`); None builds the page
    for this request only, and keeps nothing.
    """
    who = str(part_in(request.user, contract.pk))
    return cached([name, who, _versions([contract])], build, query=query)


def fragment_of_many(
    request: HttpRequest,
    contracts: list[Contract],
    name: str,
    build: Callable[[], Fragment],
    *,
    query: str | None,
) -> Fragment:
    """The same for a page about many contracts (the home page): kept under all their
    versions and the reader's roles, or the reader alone where they work on contracts (their
    panel of returns is their own)."""
    user = request.user
    roles = ",".join(role.value for role in Role if has_role(user, role))
    who = f"{user.is_superuser}:{roles}:{user.pk if contracts_worked_on(user) else ''}"
    return cached([name, who, _versions(contracts)], build, query=query)


def asked(request: HttpRequest, names: Iterable[str]) -> QueryDict:
    """The parameters of the query string that a page reads (`names`), in the order sent; the
    rest are left out."""
    wanted = set(names)
    found = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in wanted:
            found.setlist(name, values)
    return found


def form_query(form: forms.Form) -> str | None:
    """The page's filter as a key: each field's cleaned value, in the form's order, written as a
    query string; the choices of a multiple choice sorted, since they are a set. '' for a form
    given nothing, and None for one with errors.
    """
    if not form.is_bound:
        return NO_FILTER
    if form.errors:
        return None
    query = QueryDict(mutable=True)
    for name, field in form.fields.items():
        # The value as the query string writes it: a service area by its code, say.
        value = field.prepare_value(form.cleaned_data.get(name))
        values = sorted(set(value)) if isinstance(value, list | tuple) else [value]
        values = [str(v) for v in values if v not in (None, "")]
        if values:
            query.setlist(name, values)
    return query.urlencode()


def with_query(request: HttpRequest, query: str) -> HttpRequest:
    """`request` as if `query` were its whole query string: a fragment built from the parameters
    its key was made from (`asked`) has links that carry nothing else on (sorting, downloads)."""
    keyed = copy.copy(request)
    keyed.GET = QueryDict(query)
    keyed.META = {**request.META, "QUERY_STRING": query}
    return keyed


def _versions(contracts: list[Contract]) -> str:
    return ",".join(f"{c.pk}.{c.data_version}" for c in sorted(set(contracts), key=_pk))


def _pk(contract: Contract) -> int:
    return contract.pk


def cached(parts: list[str], build: Callable[[], Fragment], *, query: str | None) -> Fragment:
    if query is None:
        return build()
    parts = [*parts, timezone.localdate().isoformat(), query]
    key = "page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    cache = caches[CACHE]
    kept = cache.get(key)
    if isinstance(kept, Packed):
        return kept.unpack()
    if kept is not None:
        return kept
    found = build()
    # The cache counts entries, not bytes: its bound in bytes holds while none is bigger.
    html = found.html.encode()
    if len(html) <= settings.PAGE_FRAGMENT_MAX_BYTES:
        cache.set(key, found)
    else:
        # Level 1: nearly as small as the best level for HTML, and several times quicker.
        packed = Packed(zlib.compress(html, 1), found.has_errors)
        if len(packed.html) <= settings.PAGE_FRAGMENT_MAX_BYTES:
            cache.set(key, packed)
    return found
