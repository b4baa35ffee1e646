"""What plans adds to each person's "My work" (`kpis.reads.work`): for the managers who run them,
rectification plans still awaited from the supplier, due or overdue; for everyone who records
progress, the actions of open plans due within `DUE_SOON_DAYS` or overdue. A query for each, none
where nobody read works on a contract.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.urls import reverse

from kpis.permissions import Action, may_ever
from kpis.reads.work import Asked, WorkItem
from plans import rules
from plans.choices import ActionState, PlanState
from plans.models import Plan, PlanAction

HEADINGS = {
    "plan_due": "Rectification plans awaited from the supplier",
    "plan_action_due": "Rectification plan actions due",
}
# How far ahead an action's due date puts it on the list.
DUE_SOON_DAYS = 14

Found = Iterable[tuple[User, WorkItem]]


def _allowed(asked: Asked, action: Action) -> dict[int, set[int]]:
    return {
        p.pk: {c.pk for c in asked.contracts_of(p) if may_ever(p, action, c.pk)}
        for p in asked.working()
    }


def _plan_link(contract, plan_id: int) -> str:
    return reverse("plan_detail", args=[contract.code, plan_id])


def _when(due_on: datetime.date, overdue: bool) -> str:
    return f"{'Overdue: was due' if overdue else 'Due'} {due_on:%-d %B %Y}"


def plans_awaited(asked: Asked) -> Found:
    allowed = _allowed(asked, Action.MANAGE_PLANS)
    ids = set().union(*allowed.values()) if allowed else set()
    if not ids:
        return
    found = (
        Plan.objects.filter(kpi__contract__in=ids, state=PlanState.REQUESTED)
        .select_related("kpi")
        .order_by("due_on", "pk")
    )
    for plan in found:
        contract = asked.contracts[plan.kpi.contract_id]
        overdue = rules.plan_overdue(plan.state, plan.due_on, asked.today)
        for person in asked.working():
            if contract.pk in allowed[person.pk]:
                yield (
                    person,
                    WorkItem(
                        kind="plan_due",
                        title=f"{plan.kpi.reference}: {plan.title}",
                        contract=contract,
                        link=_plan_link(contract, plan.pk),
                        due_on=plan.due_on,
                        overdue=overdue,
                        status=_when(plan.due_on, overdue),
                        reminder_day=plan.due_on,
                        reminder_stage=f"plan:{plan.pk}",
                    ),
                )


def actions_due(asked: Asked) -> Found:
    allowed = _allowed(asked, Action.RECORD_PROGRESS)
    ids = set().union(*allowed.values()) if allowed else set()
    if not ids:
        return
    soon = asked.today + datetime.timedelta(days=DUE_SOON_DAYS)
    found = (
        PlanAction.objects.filter(
            plan__kpi__contract__in=ids,
            plan__state__in=rules.OPEN_STATES,
            due_on__lte=soon,
        )
        .exclude(state=ActionState.DONE)
        .select_related("plan__kpi")
        .order_by("due_on", "pk")
    )
    for action in found:
        plan = action.plan
        contract = asked.contracts[plan.kpi.contract_id]
        overdue = action.is_overdue(asked.today)
        for person in asked.working():
            if contract.pk in allowed[person.pk]:
                yield (
                    person,
                    WorkItem(
                        kind="plan_action_due",
                        title=f"{plan.kpi.reference}: {action.description} ({action.owner})",
                        contract=contract,
                        link=_plan_link(contract, plan.pk),
                        due_on=action.due_on,
                        overdue=overdue,
                        status=_when(action.due_on, overdue),
                        reminder_day=action.due_on,
                        reminder_stage=f"plan-action:{action.pk}",
                    ),
                )
