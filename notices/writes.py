"""Every change to notices and breaches, each checked against the permission table, validated
first, and taken under the contract's row lock (`kpis.writes.locks`), so that two managers acting
on one notice at once end as if one came after the other.

Approval is a second person's check, as for returns: whoever drafted the notice or changed one of
its ratings does not approve it, unless the council has a single manager and turns the rule off
(`ALLOW_SELF_APPROVAL`). Approving publishes the notice and freezes it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contracts.dates import date_out_of_range
from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, too_long_message
from contracts.models import Contract
from kpis.permissions import Action, ReturnLocked, require
from kpis.writes import locks
from notices import content, rules
from notices.choices import BreachOutcome, NoticeKind, NoticeState, Rating
from notices.drafting import draft_for
from notices.models import Breach, NoticeRating, PerformanceNotice

PUBLISHED_MESSAGE = (
    "This notice is approved and published: it never changes. Draft a new version to publish "
    "a correction."
)
SELF_APPROVAL_MESSAGE = (
    "You drafted this notice or changed one of its ratings, so someone else must approve it: "
    "approval is a second person's check."
)
MOVED_ON_MESSAGE = (
    "The approved figures of the period changed after this notice was drafted (a quarter was "
    "approved, reopened or restated). Draft it again so that it rates the figures held now."
)
JUSTIFY_MESSAGE = "Say why the rating differs from the one the figures propose"


def _period_errors(start, end) -> dict[str, str]:
    errors = {
        name: problem
        for name, day in (("period_start", start), ("period_end", end))
        if (problem := date_out_of_range(day))
    }
    if not start:
        errors["period_start"] = "Enter the first day of the period, like 2024-04-01"
    if not end:
        errors["period_end"] = "Enter the last day of the period, like 2025-03-31"
    return errors or rules.period_problems(start, end)


@transaction.atomic
def draft_notice(
    *,
    contract: Contract,
    start: datetime.date,
    end: datetime.date,
    user,
    kind: str = NoticeKind.PERIODIC,
    breach: Breach | None = None,
    today: datetime.date | None = None,
) -> PerformanceNotice:
    """Save a draft rating each KPI the notice rates from the period's approved quarters."""
    require(user, Action.DRAFT_NOTICE, contract_id=contract.pk)
    errors = _period_errors(start, end)
    if kind not in NoticeKind.values:
        errors["kind"] = "Choose why the notice is due"
    if kind == NoticeKind.BREACH and (breach is None or breach.contract_id != contract.pk):
        errors["breach"] = "Choose the breach the notice is for"
    if errors:
        raise ValidationError(errors)
    locks.lock_contracts(contract.pk)
    draft = draft_for(contract, start, end, today=today)
    notice = PerformanceNotice.objects.create(
        contract=contract,
        kind=kind,
        breach=breach if kind == NoticeKind.BREACH else None,
        period_start=start,
        period_end=end,
        drafted_by=user,
        drafted_at=timezone.now(),
        missing_quarters=[day.isoformat() for day in draft.missing],
    )
    NoticeRating.objects.bulk_create(
        NoticeRating(
            notice=notice,
            kpi=proposal.kpi,
            position=position,
            proposed=proposal.rating,
            rating=proposal.rating,
            evidence=proposal.evidence(),
        )
        for position, proposal in enumerate(draft.proposals)
    )
    return notice


def _draft_under_lock(notice: PerformanceNotice) -> PerformanceNotice:
    """The notice read again under its contract's lock; refused once published."""
    locks.lock_contracts(notice.contract_id)
    fresh = PerformanceNotice.objects.select_related("contract").get(pk=notice.pk)
    if fresh.state != NoticeState.DRAFT:
        raise ReturnLocked(PUBLISHED_MESSAGE)
    return fresh


@transaction.atomic
def change_rating(
    *, notice: PerformanceNotice, rating_id: int, rating: str, justification: str, user
) -> NoticeRating:
    """Give a KPI another rating than the one proposed, with a written justification (or go
    back to the proposal)."""
    require(user, Action.JUSTIFY_RATING, contract_id=notice.contract_id)
    justification = (justification or "").strip()
    errors = {}
    if rating not in Rating.values:
        errors["rating"] = "Choose one of the five ratings"
    if len(justification) > REASON_LENGTH:
        errors["justification"] = too_long_message("justification", REASON_LENGTH)
    if errors:
        raise ValidationError(errors)
    notice = _draft_under_lock(notice)
    row = NoticeRating.objects.select_related("kpi").get(pk=rating_id, notice=notice)
    if rating != row.proposed and not justification:
        raise ValidationError({"justification": JUSTIFY_MESSAGE})
    row.rating = rating
    row.justification = justification if rating != row.proposed else ""
    row.changed_by = user if rating != row.proposed else None
    row.save()
    return row


@transaction.atomic
def discard_notice(*, notice: PerformanceNotice, user) -> None:
    require(user, Action.DRAFT_NOTICE, contract_id=notice.contract_id)
    _draft_under_lock(notice).delete()


def approval_refusal(user, notice: PerformanceNotice) -> str:
    """Why `user` may not approve `notice` although their part lets them approve notices: the
    four-eyes rule (they drafted it or changed a rating); empty where they may."""
    if settings.ALLOW_SELF_APPROVAL:
        return ""
    changers = set(notice.ratings.exclude(changed_by=None).values_list("changed_by", flat=True))
    if user.pk == notice.drafted_by_id or user.pk in changers:
        return SELF_APPROVAL_MESSAGE
    return ""


@transaction.atomic
def approve_notice(
    *, notice: PerformanceNotice, user, today: datetime.date | None = None
) -> PerformanceNotice:
    """A second person approves the draft, which publishes it: its regulation 39 content is
    stored with its checksum, as the next version of the period's notice."""
    require(user, Action.APPROVE_NOTICE, contract_id=notice.contract_id)
    notice = _draft_under_lock(notice)
    if reason := approval_refusal(user, notice):
        raise ReturnLocked(reason)
    ratings = list(notice.ratings.select_related("kpi").order_by("position", "pk"))
    kpis = notice.contract.kpis.filter(pk__in=[r.kpi_id for r in ratings])
    now = draft_for(notice.contract, notice.period_start, notice.period_end, kpis=kpis, today=today)
    held = {p.kpi.pk: p.evidence()["quarters"] for p in now.proposals}
    if any(held.get(r.kpi_id) != r.evidence["quarters"] for r in ratings):
        raise ValidationError(MOVED_ON_MESSAGE, code="moved_on")
    last = (
        PerformanceNotice.objects.published()
        .filter(
            contract=notice.contract,
            kind=notice.kind,
            period_start=notice.period_start,
            period_end=notice.period_end,
        )
        .aggregate(v=Max("version"))["v"]
    )
    notice.version = (last or 0) + 1
    notice.content = content.frozen_content(notice, ratings)
    notice.sha256 = content.checksum(notice.content)
    notice.approved_by = user
    notice.approved_at = timezone.now()
    notice.state = NoticeState.PUBLISHED
    notice.save()
    return notice


@transaction.atomic
def record_breach(
    *, contract: Contract, occurred_on: datetime.date | None, description: str, outcome: str, user
) -> Breach:
    require(user, Action.RECORD_BREACH, contract_id=contract.pk)
    description = (description or "").strip()
    errors = {}
    if occurred_on is None:
        errors["occurred_on"] = "Enter the day of the outcome, like 2025-06-12"
    elif problem := date_out_of_range(occurred_on):
        errors["occurred_on"] = problem
    elif occurred_on > timezone.localdate():
        # Its notice falls due 30 days after the outcome: an outcome still to come has none yet.
        errors["occurred_on"] = "The outcome of a breach cannot be on a day still to come"
    if not description:
        errors["description"] = "Say what happened"
    elif len(description) > LONG_TEXT_LENGTH:
        errors["description"] = too_long_message("description", LONG_TEXT_LENGTH)
    if outcome not in BreachOutcome.values:
        errors["outcome"] = "Choose what the breach led to"
    if errors or occurred_on is None:
        raise ValidationError(errors)
    locks.lock_contracts(contract.pk)
    return Breach.objects.create(
        contract=contract,
        occurred_on=occurred_on,
        description=description,
        outcome=outcome,
        recorded_by=user,
        recorded_at=timezone.now(),
    )
