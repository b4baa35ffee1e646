"""Refuses a request whose body is larger than anything the service accepts, before it is read.

Django reads and stores a whole body the first time anything looks at the form (the CSRF check
does, even for a signed-out visitor), so the size is checked here, from Content-Length, first.
A body sent without Content-Length is never read by Django at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from kpis.imports.parse import MAX_BYTES as IMPORT_MAX_BYTES


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0")


def too_large(request: HttpRequest, size: int) -> HttpResponse:
    """The 413 page, rendered without context processors, like the 503 page."""
    body = render_to_string(
        "413.html",
        {
            "service_name": settings.SITE_NAME,
            "size_mb": _mb(size),
            "limit_mb": _mb(settings.MAX_REQUEST_BYTES),
            "import_limit_mb": _mb(IMPORT_MAX_BYTES),
        },
    )
    return HttpResponse(body, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.headers.get("content-length") or 0)
        except ValueError:
            # Django reads a body with an unreadable length as empty.
            size = 0
        if size > settings.MAX_REQUEST_BYTES:
            return too_large(request, size)
        return self.get_response(request)
