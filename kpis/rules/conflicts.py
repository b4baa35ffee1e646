"""Refusals caused by the state of things rather than by what was typed.

A return approved by someone else while the page was open, a request already decided, a form
sent twice: the page is shown again with the refusal, and answered 409 Conflict, on every page
alike. A refusal of what was typed is a 400 (or the form again). `ReturnLocked` carries the code
"locked"; other services raise a `ValidationError` with the code "conflict".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

CONFLICT = "conflict"
CONFLICT_CODES = frozenset({CONFLICT, "locked"})


def codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def is_conflict(error: ValidationError) -> bool:
    return bool(codes(error) & CONFLICT_CODES)


def status_for(error: ValidationError, otherwise: int = 400) -> int:
    """409 for a refusal of the present state, `otherwise` for one of the input."""
    return 409 if is_conflict(error) else otherwise
