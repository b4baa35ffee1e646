"""Every change to a rectification plan and its actions, each checked against the permission table
and kept in the history with who made it and why.

Each takes the contract's row lock first (`kpis.writes.locks`) and reads the plan again under it,
so that two managers changing one plan at once end as if one came after the other: the second
is refused with the state the first left, never a state skipped.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.dates import date_out_of_range
from kpis.models import Kpi, ReportingPeriod
from kpis.permissions import Action, require
from kpis.rules.conflicts import CONFLICT
from kpis.writes import locks
from plans import rules
from plans.choices import ActionState, PlanState, Side, Trigger
from plans.models import Plan, PlanAction, working_days_for

CLOSED_MESSAGE = "This plan is closed: its actions no longer change. Open a new plan if needed."
REASON_MESSAGE = "Say why you are making this change"


def _required(errors: dict, name: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[name] = message
    return value


def _quarters(
    kpi: Kpi, first: datetime.date | None, last: datetime.date | None, errors: dict
) -> tuple[ReportingPeriod | None, ReportingPeriod | None]:
    """The contract's quarters ending `first` and `last`: each must have a return."""
    held = {p.end_date: p for p in ReportingPeriod.objects.for_contract(kpi.contract)}
    found = []
    for name, end in (("first_quarter", first), ("last_quarter", last)):
        period = held.get(end) if end else None
        if period is None:
            errors[name] = "Choose a quarter of this contract from the list"
        found.append(period)
    first_period, last_period = found
    if first_period and last_period and last_period.end_date < first_period.end_date:
        errors["last_quarter"] = "The last quarter cannot come before the first"
    return first_period, last_period


def _notified(
    notified_on: datetime.date | None, first: ReportingPeriod | None, errors: dict
) -> None:
    if notified_on is None:
        errors["notified_on"] = "Enter the day the failure was notified, like 2024-03-28"
    elif problem := date_out_of_range(notified_on):
        errors["notified_on"] = problem
    elif notified_on > timezone.localdate():
        errors["notified_on"] = "A failure cannot be notified on a day still to come"
    elif first is not None and notified_on < first.start_date:
        errors["notified_on"] = (
            f"The failure cannot be notified before its first quarter began "
            f"({first.start_date:%-d %B %Y})"
        )


def _choice(errors: dict, name: str, value: str, choices, message: str) -> None:
    if value not in choices.values:
        errors[name] = message


def _saved(row, *, user, reason: str) -> None:
    row._history_user = user
    row._change_reason = reason
    row.save()


def _locked_plan(plan: Plan) -> Plan:
    """The plan read again under its contract's lock, with its KPI and contract."""
    locks.lock_contracts(plan.kpi.contract_id)
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("kpi__contract", "first_quarter", "last_quarter")
        .get(pk=plan.pk)
    )


@transaction.atomic
def open_plan(
    *,
    kpi: Kpi,
    title: str,
    trigger: str,
    first_quarter: datetime.date | None,
    last_quarter: datetime.date | None,
    notified_on: datetime.date | None,
    root_cause: str = "",
    user,
) -> Plan:
    """Ask the supplier for a rectification plan for `kpi`'s failure in the quarters from
    `first_quarter` to `last_quarter`: due the contract's working days after `notified_on`."""
    require(user, Action.MANAGE_PLANS, contract_id=kpi.contract_id)
    locks.lock_contracts(kpi.contract_id)
    last_quarter = last_quarter or first_quarter
    errors: dict[str, str] = {}
    title = _required(errors, "title", title, "Say in a line what the plan is to put right")
    _choice(errors, "trigger", trigger, Trigger, "Choose what the plan answers")
    first, last = _quarters(kpi, first_quarter, last_quarter, errors)
    _notified(notified_on, first, errors)
    if errors:
        raise ValidationError(errors)
    assert notified_on is not None and first is not None and last is not None
    plan = Plan(
        kpi=kpi,
        title=title,
        trigger=trigger,
        first_quarter=first,
        last_quarter=last,
        notified_on=notified_on,
        due_on=rules.plan_due(notified_on, working_days_for(kpi.contract)),
        root_cause=root_cause.strip(),
        opened_by=user,
        opened_at=timezone.now(),
    )
    plan.full_clean()
    _saved(plan, user=user, reason=f"Opened for {Trigger(trigger).label.lower()}")
    return plan


@transaction.atomic
def change_plan(
    *,
    plan: Plan,
    title: str,
    trigger: str,
    first_quarter: datetime.date | None,
    last_quarter: datetime.date | None,
    notified_on: datetime.date | None,
    root_cause: str,
    reason: str,
    user,
) -> Plan:
    """Correct or complete an open plan (the supplier's root cause, most often). A new day of
    notice gives a new due day, counted by the contract's working days now."""
    require(user, Action.MANAGE_PLANS, contract_id=plan.kpi.contract_id)
    plan = _locked_plan(plan)
    if not plan.is_open:
        raise ValidationError(CLOSED_MESSAGE, code=CONFLICT)
    last_quarter = last_quarter or first_quarter
    errors: dict[str, str] = {}
    title = _required(errors, "title", title, "Say in a line what the plan is to put right")
    _choice(errors, "trigger", trigger, Trigger, "Choose what the plan answers")
    first, last = _quarters(plan.kpi, first_quarter, last_quarter, errors)
    _notified(notified_on, first, errors)
    reason = _required(errors, "reason", reason, REASON_MESSAGE)
    if errors:
        raise ValidationError(errors)
    assert notified_on is not None and first is not None and last is not None
    if notified_on != plan.notified_on:
        plan.due_on = rules.plan_due(notified_on, working_days_for(plan.kpi.contract))
    before = _plan_fields(plan)
    plan.title, plan.trigger, plan.notified_on = title, trigger, notified_on
    plan.first_quarter, plan.last_quarter = first, last
    plan.root_cause = root_cause.strip()
    if _plan_fields(plan) == before:
        # Nothing changed (the form sent twice, say): no second entry in the history.
        return plan
    plan.full_clean()
    _saved(plan, user=user, reason=reason)
    return plan


def _plan_fields(plan: Plan) -> tuple:
    return (
        plan.title,
        plan.trigger,
        plan.first_quarter_id,
        plan.last_quarter_id,
        plan.notified_on,
        plan.due_on,
        plan.root_cause,
    )


@transaction.atomic
def move_plan(*, plan: Plan, to_state: str, reason: str, user) -> Plan:
    """Move the plan on: agreed once the council accepts the supplier's root cause and actions,
    in progress, completed once every action is done, or closed as not effective."""
    require(user, Action.MANAGE_PLANS, contract_id=plan.kpi.contract_id)
    plan = _locked_plan(plan)
    if to_state == plan.state:
        raise ValidationError(
            {
                "state": ValidationError(
                    f"The plan is {plan.get_state_display().lower()} already", code=CONFLICT
                )
            }
        )
    errors: dict[str, str] = {}
    if not rules.may_move(plan.state, to_state):
        errors["state"] = _not_next(plan.state)
    reason = _required(errors, "reason", reason, REASON_MESSAGE)
    if errors:
        raise ValidationError(errors)
    _check_ready(plan, to_state)
    plan.state = to_state
    _saved(plan, user=user, reason=reason)
    return plan


def _not_next(state: str) -> str:
    allowed = [PlanState(s).label.lower() for s in rules.NEXT_STATES[state]]
    if not allowed:
        return "This plan is closed: it cannot change state again"
    return f"A plan that is {PlanState(state).label.lower()} can become {' or '.join(allowed)}"


def _check_ready(plan: Plan, to_state: str) -> None:
    """What a plan must hold before it is agreed (a root cause and an action) or completed
    (every action done)."""
    actions = list(plan.actions.all())
    if to_state == PlanState.AGREED:
        problems = []
        if not plan.root_cause.strip():
            problems.append("Record the supplier's root cause before agreeing the plan")
        if not actions:
            problems.append("Add at least one action before agreeing the plan")
        if problems:
            raise ValidationError({"state": problems})
    if to_state == PlanState.COMPLETED:
        left = sum(1 for a in actions if a.state != ActionState.DONE)
        if left or not actions:
            raise ValidationError(
                {
                    "state": f"{left} action{'s are' if left != 1 else ' is'} not done yet: record "
                    f"{'them' if left != 1 else 'it'} as done first, or close the plan as not "
                    "effective"
                    if actions
                    else "A plan with no actions cannot be completed"
                }
            )


def _action_fields(
    errors: dict, description: str, owner: str, owner_side: str, due_on: datetime.date | None
) -> tuple[str, str]:
    description = _required(errors, "description", description, "Say what is to be done")
    owner = _required(errors, "owner", owner, "Name the person who owns the action")
    _choice(
        errors,
        "owner_side",
        owner_side,
        Side,
        "Say whether the owner works for the supplier or the council",
    )
    if due_on is None:
        errors["due_on"] = "Enter the day the action is due, like 2024-04-30"
    elif problem := date_out_of_range(due_on):
        errors["due_on"] = problem
    return description, owner


@transaction.atomic
def add_action(
    *,
    plan: Plan,
    description: str,
    owner: str,
    owner_side: str,
    due_on: datetime.date | None,
    user,
) -> PlanAction:
    require(user, Action.MANAGE_PLANS, contract_id=plan.kpi.contract_id)
    plan = _locked_plan(plan)
    if not plan.is_open:
        raise ValidationError(CLOSED_MESSAGE, code=CONFLICT)
    errors: dict[str, str] = {}
    description, owner = _action_fields(errors, description, owner, owner_side, due_on)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    action = PlanAction(
        plan=plan, description=description, owner=owner, owner_side=owner_side, due_on=due_on
    )
    action.full_clean()
    _saved(action, user=user, reason="Action added")
    return action


@transaction.atomic
def change_action(
    *,
    action: PlanAction,
    description: str,
    owner: str,
    owner_side: str,
    due_on: datetime.date | None,
    reason: str,
    user,
) -> PlanAction:
    """Change what an action is, who owns it or when it is due (a new date agreed, say)."""
    require(user, Action.MANAGE_PLANS, contract_id=action.plan.kpi.contract_id)
    action = _locked_action(action)
    errors: dict[str, str] = {}
    description, owner = _action_fields(errors, description, owner, owner_side, due_on)
    reason = _required(errors, "reason", reason, REASON_MESSAGE)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    changed = (description, owner, owner_side, due_on) != (
        action.description,
        action.owner,
        action.owner_side,
        action.due_on,
    )
    if not changed:
        return action
    action.description, action.owner = description, owner
    action.owner_side, action.due_on = owner_side, due_on
    action.full_clean()
    _saved(action, user=user, reason=reason)
    return action


def _locked_action(action: PlanAction) -> PlanAction:
    plan = _locked_plan(action.plan)
    if not plan.is_open:
        raise ValidationError(CLOSED_MESSAGE, code=CONFLICT)
    locked = PlanAction.objects.select_for_update().get(pk=action.pk)
    locked.plan = plan
    return locked


@transaction.atomic
def record_progress(
    *,
    action: PlanAction,
    state: str,
    progress: str,
    done_on: datetime.date | None = None,
    user,
    today: datetime.date | None = None,
) -> PlanAction:
    """How an action is going, in words: the note is the change's reason in the history. An
    action done is done on a day, today unless given."""
    require(user, Action.RECORD_PROGRESS, contract_id=action.plan.kpi.contract_id)
    action = _locked_action(action)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    _choice(errors, "state", state, ActionState, "Choose where the action has got to")
    progress = _required(errors, "progress", progress, "Say how the action is going")
    if state == ActionState.DONE:
        done_on = done_on or today
        if done_on > today:
            errors["done_on"] = "An action cannot be done on a day still to come"
        elif problem := date_out_of_range(done_on):
            errors["done_on"] = problem
    else:
        done_on = None
    if errors:
        raise ValidationError(errors)
    if (state, progress, done_on) == (action.state, action.progress, action.done_on):
        return action
    action.state, action.progress, action.done_on = state, progress, done_on
    action.full_clean()
    _saved(action, user=user, reason=progress)
    return action
