"""A manager's contractual decisions about KPIs: suspensions (granted on an officer's request or
directly) and changes of target or thresholds.

Neither may reach into an approved quarter: the quarter must be reopened first, with a reason, so
that nothing the committee has been shown changes without a record of who and why. Keyword-only,
atomic, and checked before anything is written, as the return services are (`kpis.writes.saving`,
`kpis.writes.workflow`); the states of the quarters a decision reaches are read under the locks of
`kpis.writes.locks`, so that an approval at the same moment comes wholly before or wholly after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kpis.models import Kpi, QuarterlyReturn, RuleChange, Suspension, SuspensionRequest
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end
from kpis.models.rule_change import rule_change_problems
from kpis.models.suspension import refuse_repeated_request
from kpis.permissions import Action, ReturnLocked, allowed, refusal, require
from kpis.writes import locks

Span = tuple[datetime.date, datetime.date | None]


def _covers(span: Span, end_date: datetime.date) -> bool:
    first, last = span
    return first <= end_date and (last is None or end_date <= last)


def first_refused_quarter(
    user, action: Action, contract_id: int, spans: Iterable[Span]
) -> QuarterlyReturn | None:
    """The first of the contract's quarters inside any of `spans` whose return's state forbids
    `user` to take `action` (the permission table), or None.

    The returns are read under their locks (`kpis.writes.locks`): call this inside the transaction
    that writes, which then holds them until it ends.
    """
    spans = list(spans)
    if not spans:
        return None
    first = min(start for start, _ in spans)
    ends = [end for _, end in spans if end is not None]
    last = max(ends) if len(ends) == len(spans) else None
    for quarterly_return in locks.lock_returns(contract_id, first=first, last=last):
        inside = any(_covers(span, quarterly_return.period.end_date) for span in spans)
        if inside and not allowed(user, action, contract_id, quarterly_return.state):
            return quarterly_return
    return None


def locked_message(quarterly_return: QuarterlyReturn, what: str) -> str:
    return (
        f"The return for {quarterly_return.period.label} is approved and locked, so {what} "
        "cannot reach into it: choose a later quarter, or ask a manager to reopen that return "
        "with a reason first."
    )


def suspension_change_refusal(
    user, *, suspension_id: int | None, kpi: Kpi | None, span: Span | None
) -> str:
    """Why `user` may not make this change to a suspension, or '': add one (no
    `suspension_id`), change the stored one into `kpi` over `span` (its reason alone, too), or
    lift it (no `kpi`).

    The table decides, quarter by quarter: the quarters the suspension covered and those it
    would cover must all be ones a suspension may still change (none approved), since what the
    committee was shown of them would change. The admin asks this; the pages record suspensions
    through `record_suspension`, which asks the same of its span. The returns are read under
    the locks (`kpis.writes.locks`): ask inside the transaction that writes.
    """
    changes: list[tuple[int, Span]] = []
    stored = suspension_id and Suspension.objects.select_related("kpi").get(pk=suspension_id)
    if stored:
        changes.append((stored.kpi.contract_id, (stored.first_quarter, stored.last_quarter)))
    if kpi is not None and span is not None:
        changes.append((kpi.contract_id, span))
    contract_ids = sorted({contract_id for contract_id, _ in changes})
    for contract_id in contract_ids:
        if reason := refusal(user, Action.SUSPEND, contract_id=contract_id):
            return reason
    locks.lock_contracts(*contract_ids)
    for contract_id, covered in changes:
        locked = first_refused_quarter(user, Action.SUSPEND, contract_id, [covered])
        if locked:
            return (
                f"The return for {locked.period.label} is approved and locked, and this "
                "suspension covers it (or would): it cannot be added, changed or removed, not "
                "even its reason, until a manager reopens that return with a reason."
            )
    return ""


def _check_suspension(kpi, first_quarter, last_quarter, reason: str, user, action: Action) -> None:
    """What any suspension must satisfy, asked for or recorded: a valid span and reason, no
    overlap with another suspension of the KPI, and no quarter inside it in which the table
    refuses `action` (an approved one)."""
    Suspension(
        kpi=kpi, first_quarter=first_quarter, last_quarter=last_quarter, reason=reason.strip()
    ).full_clean(validate_unique=False)
    overlapping = kpi.suspensions.filter(first_quarter__lte=last_quarter or datetime.date.max)
    overlapping = overlapping.exclude(last_quarter__lt=first_quarter)
    if overlapping.exists():
        raise ValidationError(
            {"first_quarter": "This KPI is already suspended for part of that span."}
        )
    span = (first_quarter, last_quarter)
    locked = first_refused_quarter(user, action, kpi.contract_id, [span])
    if locked:
        raise ReturnLocked(locked_message(locked, "a suspension"))


@transaction.atomic
def record_suspension(
    *,
    kpi: Kpi,
    first_quarter: datetime.date,
    last_quarter: datetime.date | None,
    reason: str,
    user,
) -> Suspension:
    """Take a KPI out of the counts for a span of quarters, none of them approved."""
    locks.lock_contracts(kpi.contract_id)
    require(user, Action.SUSPEND, contract_id=kpi.contract_id)
    suspension = Suspension(
        kpi=kpi, first_quarter=first_quarter, last_quarter=last_quarter, reason=reason.strip()
    )
    _check_suspension(kpi, first_quarter, last_quarter, reason, user, Action.SUSPEND)
    suspension._history_user = user
    suspension._change_reason = f"Suspended: {suspension.reason}"
    suspension.save()
    return suspension


def first_locked_quarter(
    contract_id: int, effective_from: datetime.date | None, user
) -> QuarterlyReturn | None:
    """The first quarter from `effective_from` on (every quarter, without one) whose state
    forbids a change of rule, or None; read under the locks, as `first_refused_quarter` says."""
    span = (effective_from or datetime.date.min, None)
    return first_refused_quarter(user, Action.CHANGE_RULES, contract_id, [span])


@transaction.atomic
def change_rule(
    *,
    kpi: Kpi,
    effective_from: datetime.date | None,
    target: Decimal | None,
    target_strict: bool,
    detriment: Decimal | None,
    failure: Decimal | None,
    reason: str,
    user,
    threshold_basis: str | None = None,
) -> Kpi:
    """Give a KPI a new target and thresholds from the quarter ending `effective_from` on.

    Quarters before it keep the rule they were judged by. With no quarter named, the new rule
    judges every quarter, which is allowed only while none of the contract's is approved.
    Without `threshold_basis`, the thresholds are given as they were (figures or tolerances).
    """
    locks.lock_contracts(kpi.contract_id)
    require(user, Action.CHANGE_RULES, contract_id=kpi.contract_id)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why the target or thresholds are changing"
    if effective_from and not is_quarter_end(effective_from):
        errors["effective_from"] = QUARTER_END_MESSAGE
    if problems := rule_change_problems(kpi, effective_from, reason):
        raise ValidationError({**problems, **errors})
    locked = first_locked_quarter(kpi.contract_id, effective_from, user)
    if locked:
        raise ReturnLocked(locked_message(locked, "a change of target or thresholds"))
    # As stored, not as the caller may already have edited it (the admin form does).
    stored = Kpi.objects.select_for_update().get(pk=kpi.pk)
    day_before = effective_from - datetime.timedelta(days=1) if effective_from else None
    previous = stored.rule_for(day_before) if day_before else None
    kpi.target, kpi.target_strict = target, target_strict
    kpi.detriment, kpi.failure = detriment, failure
    kpi.threshold_basis = threshold_basis or stored.threshold_basis
    try:
        kpi.full_clean()
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    changes = RuleChange.objects.filter(kpi=kpi)
    if effective_from is None:
        changes.delete()
        kpi.rule_changed = False
    else:
        changes.filter(effective_from__gte=effective_from).delete()
        RuleChange.objects.create(
            kpi=kpi,
            effective_from=effective_from,
            previous_target=previous.target,
            previous_target_strict=previous.strict,
            previous_detriment=previous.detriment,
            previous_failure=previous.failure,
            previous_threshold_basis=previous.basis,
            reason=reason,
            changed_by=user,
        )
        kpi.rule_changed = True
    kpi._history_user = user
    kpi._change_reason = reason
    kpi.save()
    # The prefetched changes, if any, are stale now.
    getattr(kpi, "_prefetched_objects_cache", {}).pop("rule_changes", None)
    return kpi


@transaction.atomic
def ask_for_suspension(
    *,
    kpi: Kpi,
    first_quarter: datetime.date,
    last_quarter: datetime.date | None,
    reason: str,
    user,
    quarterly_return: QuarterlyReturn | None = None,
) -> SuspensionRequest:
    """An officer's request that a manager suspend a KPI; nothing changes until one grants it."""
    locks.lock_contracts(kpi.contract_id)
    if quarterly_return is not None:
        quarterly_return = locks.relock(quarterly_return)
    require(user, Action.ASK_SUSPENSION, quarterly_return, contract_id=kpi.contract_id)
    # The same checks as the suspension it asks for, so that a manager can grant it as it is.
    _check_suspension(kpi, first_quarter, last_quarter, reason, user, Action.ASK_SUSPENSION)
    refuse_repeated_request(kpi, first_quarter, last_quarter)
    asked = SuspensionRequest(
        kpi=kpi,
        first_quarter=first_quarter,
        last_quarter=last_quarter,
        reason=reason.strip(),
        requested_by=user,
    )
    asked._history_user = user
    asked.save()
    return asked


def _pending(asked: SuspensionRequest) -> SuspensionRequest:
    fresh = (
        SuspensionRequest.objects.select_for_update(of=("self",))
        .select_related("kpi")
        .get(pk=asked.pk)
    )
    if not fresh.is_pending:
        raise ValidationError(
            f"This request was already {fresh.get_state_display().lower()}: nothing was changed."
        )
    return fresh


@transaction.atomic
def grant_suspension(*, asked: SuspensionRequest, user) -> Suspension:
    """Suspend the KPI as asked: a manager's decision, under the same rules as any suspension."""
    locks.lock_contracts(asked.kpi.contract_id)
    require(user, Action.SUSPEND, contract_id=asked.kpi.contract_id)
    asked = _pending(asked)
    suspension = record_suspension(
        kpi=asked.kpi,
        first_quarter=asked.first_quarter,
        last_quarter=asked.last_quarter,
        reason=asked.reason,
        user=user,
    )
    _decide(asked, user, SuspensionRequest.State.GRANTED, suspension=suspension)
    return suspension


@transaction.atomic
def decline_suspension(*, asked: SuspensionRequest, user, note: str) -> SuspensionRequest:
    locks.lock_contracts(asked.kpi.contract_id)
    require(user, Action.SUSPEND, contract_id=asked.kpi.contract_id)
    if not note.strip():
        raise ValidationError({"note": "Say why the request is declined."})
    asked = _pending(asked)
    _decide(asked, user, SuspensionRequest.State.DECLINED, note=note.strip())
    return asked


def _decide(asked, user, state, *, suspension=None, note: str = "") -> None:
    asked.state = state
    asked.decided_by = user
    asked.decided_at = timezone.now()
    asked.suspension = suspension
    asked.decision_note = note
    asked._history_user = user
    asked._change_reason = note or f"{state.label} by a manager"
    asked.save()
