"""The load balancer's health check, and the last resort for errors outside any view."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from serco_kpi.middleware import DATABASE_DOWN, service_unavailable


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 only when the database answers a query, so that a balancer stops sending traffic to
    an app server that cannot reach it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # Drop the broken connection now, so that the next check tries a fresh one.
        connection.close_if_unusable_or_obsolete()
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def handler500(request: HttpRequest) -> HttpResponse:
    """A database failure in middleware (loading a session, say) still gets the 503 page.

    Django calls this while it handles the exception, so the exception is still at hand.
    """
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    # Rendered without the request: its context processors might be what failed.
    body = render_to_string("500.html", {"service_name": settings.SITE_NAME})
    return HttpResponseServerError(body)
