"""What the pages, the panels on other apps' pages and the API show of rectification plans: each
in a fixed number of queries however many plans and actions there are.

A plan says what went wrong in its quarters, so it is shown where their figures are
(`kpis.permissions.sight`): to those working on the contract always; to the committee, anyone
else signed in, packs and the API once every quarter it answers is approved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract
from kpis.models import Kpi
from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import PUBLIC, Sight
from plans.choices import ActionState
from plans.models import Plan, PlanAction


def _flag(plan: Plan, today: datetime.date) -> Plan:
    """Put the plan's flags for `today` on it: `overdue`, and `late` (its overdue actions,
    counted only while it is open)."""
    plan.overdue = plan.is_overdue(today)
    plan.late = plan.actions_late if plan.is_open else 0
    return plan


def plans_for(
    contract: Contract,
    sight: Sight,
    today: datetime.date,
    *,
    kpi: Kpi | None = None,
    open_only: bool = False,
    from_before: datetime.date | None = None,
) -> list[Plan]:
    """The contract's plans that `sight` shows, open ones first, each with its progress and
    flags: one query. `from_before` keeps those whose first quarter ends by that day (a pack's
    quarter)."""
    plans = Plan.objects.for_contract(contract).readable_in(sight.readable)
    if kpi is not None:
        plans = plans.filter(kpi=kpi)
    if open_only:
        plans = plans.still_open()
    if from_before is not None:
        plans = plans.filter(first_quarter__end_date__lte=from_before)
    found = list(plans.with_progress(today).in_order())
    for plan in found:
        plan.kpi.contract = contract
        _flag(plan, today)
    return found


def get_plan_for(user, code: str, pk: int) -> Plan:
    """One of a contract's plans, for a reader who sees its quarters' figures, or 404."""
    contract = get_contract_for(user, code)
    sight = Sight.of(user, contract)
    plan = get_object_or_404(
        Plan.objects.for_contract(contract)
        .readable_in(sight.readable)
        .select_related("kpi__service_area", "kpi__unit", "first_quarter", "last_quarter")
        .select_related("opened_by"),
        pk=pk,
    )
    plan.kpi.contract = contract
    return plan


def get_action_for(user, code: str, plan_pk: int, pk: int) -> PlanAction:
    plan = get_plan_for(user, code, plan_pk)
    action = PlanAction.objects.filter(plan=plan, pk=pk).first()
    if action is None:
        raise Http404
    action.plan = plan
    return action


@dataclass
class Change:
    when: datetime.datetime
    who: str
    what: str
    lines: list[str] = field(default_factory=list)
    why: str = ""


@dataclass
class PlanPage:
    plan: Plan
    actions: list[PlanAction]
    history: list[Change]
    overdue: bool
    late: int

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.state == ActionState.DONE)


def plan_page(plan: Plan, today: datetime.date) -> PlanPage:
    """The plan with its actions, flagged for `today`, and its history and its actions', newest
    first: three queries."""
    actions = list(plan.actions.all())
    for action in actions:
        action.plan = plan
        action.overdue = action.is_overdue(today)
    history = _history(plan)
    return PlanPage(
        plan=plan,
        actions=actions,
        history=history,
        overdue=plan.is_overdue(today),
        late=len([a for a in actions if a.overdue]),
    )


_SKIP = {"id", "plan", "kpi", "opened_by", "opened_at"}


def _history(plan: Plan) -> list[Change]:
    plan_records = list(
        Plan.history.filter(id=plan.pk)
        .select_related("history_user", "first_quarter", "last_quarter")
        .order_by("history_date", "history_id")
    )
    action_records = list(
        PlanAction.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes = []
    previous = None
    for record in plan_records:
        what = "Opened the plan" if previous is None else "Changed the plan"
        changes.append(_change(Plan, record, previous, what))
        previous = record
    last: dict[int, object] = {}
    for record in action_records:
        before = last.get(record.id)
        name = _short(record.description)
        if record.history_type == "-":
            what = f"Removed the action “{name}”"
        elif before is None:
            what = f"Added the action “{name}”"
        else:
            what = f"Changed the action “{name}”"
        changes.append(_change(PlanAction, record, before, what))
        last[record.id] = record
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59].rstrip() + "…"


def _change(model, record, previous, what: str) -> Change:
    lines = []
    if previous is not None:
        names = [f.name for f in model._meta.concrete_fields if f.name not in _SKIP]
        delta = record.diff_against(previous, included_fields=names)
        for change in delta.changes:
            model_field = model._meta.get_field(change.field)
            old = _written(model_field, change.old, previous)
            new = _written(model_field, change.new, record)
            lines.append(f"{model_field.verbose_name.capitalize()}: {old} → {new}")
    user = record.history_user
    who = (user.get_full_name() or user.get_username()) if user else "Data load"
    return Change(record.history_date, who, what, lines, record.history_change_reason or "")


def _written(model_field, value, record) -> str:
    """A field's value as people write it: choices by their label, dates in words, quarters
    by their label."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(model_field, models.ForeignKey):
        return str(getattr(record, model_field.name))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateField):
        return f"{value:%-d %B %Y}"
    return str(value)


@dataclass(frozen=True)
class Progress:
    """A plan's progress in words, as the panels and the API give it."""

    done: int
    total: int

    @property
    def text(self) -> str:
        if not self.total:
            return "No actions yet"
        return f"{self.done} of {self.total} action{'s' if self.total != 1 else ''} done"


def progress(plan: Plan) -> Progress:
    return Progress(plan.actions_done, plan.actions_total)


def public_plans(contract: Contract, today: datetime.date) -> list[Plan]:
    """The plans anyone may read (every quarter approved): for the API and the regime."""
    return plans_for(contract, PUBLIC, today)


def plan_rows(plans: list[Plan], today: datetime.date) -> list[dict]:
    """The API's rows: one per plan, with its progress and flags."""
    return [
        {
            "id": plan.pk,
            "contract": plan.kpi.contract.code,
            "kpi_reference": plan.kpi.reference,
            "title": plan.title,
            "answers": plan.trigger,
            "first_quarter_end": plan.first_quarter.end_date,
            "last_quarter_end": plan.last_quarter.end_date,
            "notified_on": plan.notified_on,
            "due_on": plan.due_on,
            "state": plan.state,
            "overdue": plan.overdue,
            "root_cause": plan.root_cause,
            "actions": plan.actions_total,
            "actions_done": plan.actions_done,
            "actions_overdue": plan.late,
        }
        for plan in plans
    ]
