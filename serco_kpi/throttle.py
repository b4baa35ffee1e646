"""Sign-in throttling with django-axes, for sign-ins that come through the web."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
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
