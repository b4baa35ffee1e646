"""What a confirmed import did, kept in the session under the token of the file it confirmed.

The file held for confirmation is dropped once it is used, so a second click of Confirm finds
nothing to import: it is told what the first click did, rather than that the file expired.
One receipt per kind of import is enough: only the latest file can be clicked twice.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

EXPIRED = "That import has expired or was already done. Upload the file again."


def keep_receipt(request: HttpRequest, key: str, token: str, done: str) -> None:
    request.session[key] = {token: done}


def say_not_pending(request: HttpRequest, key: str, token: str) -> None:
    """Why a confirmation has nothing to import: done already (and what it did), or expired."""
    done = request.session.get(key, {}).get(token) if token else None
    if done:
        messages.info(request, f"That file was imported already, so nothing was done again. {done}")
    else:
        messages.error(request, EXPIRED)
