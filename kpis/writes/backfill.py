"""Back-filling a past quarter from a published source: its figures written and the return
approved at once, with the document (and page) they were taken from recorded on the return.

History copied from a published report has already been through its own checks: there is no
officer's submission for a second person to check, and a miss needs no commentary (the source has
none). Who may do it is the permission table's `BACKFILL` row: a contract's managers and
administrators, never on an approved quarter, and never by whoever submitted the quarter's return
or entered figures in it here (`kpis.permissions.refusal`): that is approving one's own work, for
which the second person's check applies as it does to any approval.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn, Reading, ReportingPeriod
from kpis.models.period import QUARTER_END_MESSAGE, backfill_note, is_quarter_end
from kpis.permissions import Action, require
from kpis.writes import locks
from kpis.writes.saving import RowEntry, write_rows

SOURCE_LENGTH = QuarterlyReturn._meta.get_field("backfill_source").max_length
PAGE_LENGTH = QuarterlyReturn._meta.get_field("backfill_page").max_length
SOURCE_REQUIRED = "Name the document the figures come from, such as the committee report"
NOT_ENDED = "Only a quarter that has ended can be back-filled: this one ends on {end:%-d %B %Y}."
# django-simple-history keeps 100 characters of a change's reason.
REASON_LENGTH = 100


def source_errors(source: str, page: str) -> dict[str, str]:
    """What is wrong with the source as given, by field ('source', 'page')."""
    errors = {}
    if not source.strip():
        errors["source"] = SOURCE_REQUIRED
    elif len(source.strip()) > SOURCE_LENGTH:
        errors["source"] = f"Keep the document's name to {SOURCE_LENGTH} characters or fewer"
    if len(page.strip()) > PAGE_LENGTH:
        errors["page"] = f"Keep the page to {PAGE_LENGTH} characters or fewer"
    return errors


def quarter_problem(contract: Contract, end_date: datetime.date, today: datetime.date) -> str:
    """Why the quarter ending `end_date` cannot be back-filled, whoever asks; '' if it can."""
    if not is_quarter_end(end_date):
        return QUARTER_END_MESSAGE
    if end_date >= today:
        return NOT_ENDED.format(end=end_date)
    if contract.start_date and end_date < contract.start_date:
        return "That quarter ends before the contract started."
    return ""


@transaction.atomic
def backfill_return(
    *,
    contract: Contract,
    end_date: datetime.date,
    user,
    entries: Sequence[RowEntry],
    source: str,
    page: str = "",
    reason: str = "",
) -> list[Reading]:
    """Write the rows that changed, targets included, and approve the quarter, all or nothing.

    Raises `PermissionDenied` or `ReturnLocked` as the permission table says (an approved
    quarter must be reopened first; a quarter the user submitted or entered figures in needs
    someone else), `ValidationError` for a missing source or a quarter not yet over,
    `ReturnInvalid` for a wrong row and `EditConflict` for a row changed meanwhile.
    Returns the readings written.
    """
    current = locks.lock_return(contract.pk, end_date)
    source, page = " ".join(source.split()), " ".join(page.split())
    require(user, Action.BACKFILL, current, contract_id=contract.pk)
    errors = source_errors(source, page)
    if problem := quarter_problem(contract, end_date, timezone.localdate()):
        errors["end_date"] = problem
    if errors:
        raise ValidationError(errors)
    note = backfill_note(source, page)
    if current is None:
        current = QuarterlyReturn(
            contract=contract, period=ReportingPeriod.objects.for_date(end_date)
        )
        current._history_user = user
        current._change_reason = "Return opened to back-fill"
        current.save()
    current.contract = contract
    saved = write_rows(
        current,
        user=user,
        entries=entries,
        set_targets=True,
        reason=(reason or note)[:REASON_LENGTH],
        keep_valid=False,
    )
    now = timezone.now()
    current.backfill_source, current.backfill_page = source, page
    current.backfilled_at = current.approved_at = now
    current.backfilled_by = current.approved_by = user
    current.state = ReturnState.APPROVED
    current._history_user = user
    current._change_reason = f"{note}, as approved"[:REASON_LENGTH]
    current.save()
    return saved.written
