"""API tokens in the admin: listed by the first characters of their key, the whole key shown
once, to whoever issues it, and never again; no list in the admin finds one by its key."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.template.response import TemplateResponse
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from api.models import ApiToken, key_prefix

# DRF's own registration lists every key in full.
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(TokenAdmin):
    list_display = ("key_start", "user", "created")

    @admin.display(description="Key")
    def key_start(self, token: ApiToken) -> str:
        return key_prefix(token.key)

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # ?key__startswith=... in the list's address would find a key a character at a time, and
        # so would ?pk__gte=...: the key is the token's primary key.
        field = lookup.split(LOOKUP_SEP, 1)[0]
        return field not in ("key", "pk") and super().lookup_allowed(lookup, value, request)

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue=None
    ) -> TemplateResponse:
        """The new key, on a page of its own (never stored in a message or the log)."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "API token issued",
            "token": obj,
        }
        return TemplateResponse(request, "admin/api/apitoken/issued.html", context)


class NoTokenLookups(admin.ModelAdmin):
    """For the users' list: ?auth_token__key__startswith=... in its address would find a key a
    character at a time, as the token list's own lookups would (one hop across a relation is
    always allowed by Django)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        field = lookup.split(LOOKUP_SEP, 1)[0]
        return field != "auth_token" and super().lookup_allowed(lookup, value, request)


_users = type(admin.site.get_model_admin(User))
admin.site.unregister(User)
admin.site.register(User, type(_users.__name__, (NoTokenLookups, _users), {}))
