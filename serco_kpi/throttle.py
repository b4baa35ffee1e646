"""Sign-in throttling with django-axes, for sign-ins that come through the web."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class WebSignInThrottle(AxesStandaloneBackend):
    """Refuses sign-in for a username and address pair locked out after repeated failures.

    Every sign-in form passes the request. A sign-in without one comes from code running on the
    server (a management command, the test client), which has no address to throttle, so it is
    left to the other backends instead of being refused outright as django-axes would.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request: HttpRequest) -> str | None:
    """The address sign-in throttling is keyed on: the client's, not the proxy's.

    Each proxy in front of gunicorn appends the address it was reached from to X-Forwarded-For,
    so with PROXY_COUNT proxies the client's address is that many entries from the right.
    Anything further left was written by the client and can be anything, so it is never read.
    Without a proxy (PROXY_COUNT 0), or with fewer entries than proxies, it is REMOTE_ADDR.
    """
    count = settings.PROXY_COUNT
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
