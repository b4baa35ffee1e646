"""Nothing answered to someone signed in is kept by the browser or a proxy.

Draft returns, API answers and downloads hold figures that only their reader may see. On a shared
council PC a page kept in the browser's cache, or its back button, would show them to the next
person after sign-out. Every response to a signed-in user (by session, or by API token once
the API view has authenticated it) is therefore marked `no-store`.

Static files are answered by WhiteNoise before this runs and keep their long caching; pages for
nobody signed in are left as they are. The page cache (kpis.pages.page_cache) is on the server and
is not affected.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Already marked (the 503 page, the health check, the admin): nothing to add, and no
        # need to read the user, which may need the database that has just failed.
        if "no-store" not in response.get("Cache-Control", "") and _signed_in(request):
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    # DRF's token authentication sets request.user on this request when its view runs.
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
