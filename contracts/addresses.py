"""Page addresses worked out once per process rather than at every page: the header's links and
each contract's (`Contract.links`) are on every page, and an address never changes while the
process runs. In the lowest app, so that every app may use it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def addresses(names: Iterable[str], *args: str) -> dict[str, str]:
    """Each URL name's address with `args`, by name, kept for each prefix and URLconf the site is
    served under."""
    prefix, urlconf = get_script_prefix(), get_urlconf(settings.ROOT_URLCONF)
    return {name: _reversed(name, args, prefix, urlconf) for name in names}


# Each contract's three addresses and the header's few; a code changed in the admin is a new
# entry, and the oldest are dropped first.
@lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple[str, ...], prefix: str, urlconf: object) -> str:
    return reverse(name, args=args)
