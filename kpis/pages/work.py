"""The "My work" page, and its count in the header of every page.

The page lists what `kpis.reads.work` finds for the reader today, under headings; opening it
tells the apps listening (`work.opened`) that its items have been seen, which is how the
committee's answers stop being new.

The header's count is kept in the "pages" cache (`page_cache.CACHE`) when the page is opened,
under everything that decides it: the reader, their roles, the day, `ALLOW_SELF_APPROVAL` and the
data version of each contract assigned to them, which every change to a contract's data moves on.
Those versions come with the assignments the permission table reads on every page
(`contracts.roles.assigned_versions`), so the header never adds a query: it shows the count kept
while it still holds, and "My work" alone otherwise (pages are held to a dozen queries, and
working the count out costs about eight). A committee member, whose answers may come from any
contract, sees the count on "My work" itself.
"""

from __future__ import annotations

import hashlib
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from contracts.roles import Role, assigned_versions, has_role
from kpis.pages.page_cache import CACHE
from kpis.reads import work


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    user = cast(User, request.user)
    items = work.work_of(user, today)
    # The header counts what this page lists, read before opening it marks anything as seen.
    request.my_work_items = items  # type: ignore[attr-defined]
    _remember(request, items)
    work.opened(user, timezone.now())
    context = {
        "groups": work.grouped(items),
        "count": len(items),
        "overdue": work.overdue_count(items),
        "today": today,
        "is_committee": has_role(request.user, Role.COMMITTEE),
    }
    return render(request, "kpis/my_work.html", context)


def _key(user, today) -> str:
    roles = ",".join(role.value for role in Role if has_role(user, role))
    versions = ",".join(f"{pk}.{v}" for pk, v in sorted(assigned_versions(user).items()))
    parts = [
        str(user.pk),
        str(user.is_superuser),
        roles,
        today.isoformat(),
        str(settings.ALLOW_SELF_APPROVAL),
        versions,
    ]
    return "work:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _remember(request: HttpRequest, items: list[work.WorkItem]) -> None:
    """Keep the count the page has just listed, for the header of the reader's next pages."""
    user = cast(User, request.user)
    if work.may_have_contracts(user) and assigned_versions(user):
        caches[CACHE].set(_key(user, timezone.localdate()), len(items))


def header_count(request: HttpRequest) -> int | None:
    """How many things the reader has to do, for the header, when it costs no query: listed by
    this very page, or kept since the reader last opened "My work" and nothing on their
    contracts has changed since. None otherwise (the header then says "My work" alone)."""
    user = request.user
    if not user.is_authenticated:
        return None
    listed = getattr(request, "my_work_items", None)
    if listed is not None:
        return len(listed)
    # Only what this request has read already: the assignments and their versions, the roles.
    if not hasattr(user, "_assigned_versions") or not hasattr(user, "_role_names"):
        return None
    if not work.may_have_contracts(user) or not user._assigned_versions:
        return None
    return caches[CACHE].get(_key(user, timezone.localdate()))


class HeaderCount:
    """The count, worked out only when the header prints it, and once."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def count(self) -> int | None:
        if not hasattr(self, "_count"):
            self._count = header_count(self.request)
        return self._count
