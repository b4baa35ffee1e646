"""The dates a person may give: near enough to today, and a quarter inside its contract's term.

A contract starting in 9999, a suspension from year 1 or a new target from 9999-12-31 is a slip
of the keyboard, never a plan, and each would be stored and shown as if it were one. One rule,
asked by the forms, the services, the models' `clean` (so the admin too) and the imports:

- any date lies within `YEARS_FROM_TODAY` years of today (from 1 January of the year that far
  back to 31 December of the year that far ahead);
- a quarter (by its last day) lies within its contract's term, where the contract gives one:
  it ends on or after the contract's start and begins on or before its end, extensions included.

The seed data (2009 to 2021) lies well inside the window; fixtures are checked by it as they load.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

YEARS_FROM_TODAY = 50
BEFORE_START = "That quarter ends before the contract started."


def date_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day a date may take."""
    year = (today or timezone.localdate()).year
    return datetime.date(year - YEARS_FROM_TODAY, 1, 1), datetime.date(
        year + YEARS_FROM_TODAY, 12, 31
    )


def date_out_of_range(day: datetime.date | None, *, today: datetime.date | None = None) -> str:
    """Why `day` is too far from today to be meant, or '' when it is not (or is not given)."""
    if day is None:
        return ""
    first, last = date_window(today)
    if first <= day <= last:
        return ""
    return (
        f"Enter a date between {first:%-d %B %Y} and {last:%-d %B %Y}: "
        f"this one is more than {YEARS_FROM_TODAY} years from today."
    )


def validate_near_today(day: datetime.date | None) -> None:
    """`date_out_of_range` as a form field's validator."""
    if problem := date_out_of_range(day):
        raise ValidationError(problem, code="out_of_range")


def _quarter_start(end_date: datetime.date) -> datetime.date:
    return datetime.date(end_date.year, (end_date.month - 1) // 3 * 3 + 1, 1)


def quarter_out_of_range(
    contract, end_date: datetime.date | None, *, today: datetime.date | None = None
) -> str:
    """Why the quarter ending `end_date` cannot be one of `contract`'s, or '' when it can."""
    if end_date is None:
        return ""
    if problem := date_out_of_range(end_date, today=today):
        return problem
    if contract.start_date and end_date < contract.start_date:
        return BEFORE_START
    term_end = contract.current_end_date
    if term_end and _quarter_start(end_date) > term_end:
        return f"That quarter begins after the contract ends ({term_end:%-d %B %Y})."
    return ""
