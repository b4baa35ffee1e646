"""API tokens as the admin shows them: by their first characters, never the whole key.

DRF's own token is named by its key wherever Django prints an object (the admin's lists,
titles, messages and its log of changes), so anyone who can open the admin could copy any
client's key. This proxy is named by a prefix instead.
"""

from __future__ import annotations

from rest_framework.authtoken.models import TokenProxy

SHOWN_CHARACTERS = 4


def key_prefix(key: str) -> str:
    """Enough of a key to tell two apart, too little to use: 'a1b2…'."""
    return f"{key[:SHOWN_CHARACTERS]}…"


class ApiToken(TokenProxy):
    class Meta:
        proxy = True
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return key_prefix(self.key)
