"""The pages of rectification plans: a contract's plans, one plan with its actions and history,
and the forms that open and change them.

Who may read a plan is `plans.reads.get_plan_for`'s to say (404 otherwise); who may change it,
the permission table's: a part that never may gets a 403 (a 404 for another contract's officer),
as on every page of the product.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kpis.models import Kpi
from kpis.pages import panels
from kpis.pages.forms import error_summary, held_quarter_options
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import (
    get_contract_for,
    get_workable_contract_for,
    refuse_unless_may_ever,
)
from kpis.permissions.sight import Sight
from kpis.rules.conflicts import status_for
from plans import writes
from plans.models import Plan, PlanAction, working_days_for
from plans.pages.forms import ActionForm, PlanForm, ProgressForm, StateForm
from plans.reads import get_action_for, get_plan_for, plan_page, plans_for


@login_required
def plan_list(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    today = timezone.localdate()
    return render(
        request,
        "plans/plan_list.html",
        {
            "contract": contract,
            "plans": plans_for(contract, Sight.of(request.user, contract), today),
            "working_days": working_days_for(contract),
            "may_open": may_ever(request.user, Action.MANAGE_PLANS, contract.pk),
        },
    )


@login_required
def plan_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, code, pk)
    contract = plan.kpi.contract
    return render(
        request,
        "plans/plan_detail.html",
        {
            "contract": contract,
            "page": plan_page(plan, timezone.localdate()),
            "plan": plan,
            "may_manage": may_ever(request.user, Action.MANAGE_PLANS, contract.pk),
            "may_record": may_ever(request.user, Action.RECORD_PROGRESS, contract.pk),
            "plan_panels": panels.panels("plan", request, contract=contract, plan=plan),
        },
    )


def _form_page(request, template: str, context: dict, form, status: int = 200) -> HttpResponse:
    context = {**context, "form": form, "errors": error_summary([(form, "")])}
    return render(request, template, context, status=status)


def _form_flow(request, form, template: str, context: dict, *, write, done) -> HttpResponse:
    """Every form of a plan: on a valid POST, `write(data)` makes the change and returns the
    page to go to next, where `done` (words, or words from what was written) is said; a refusal
    is put beside the fields it concerns, with what was typed kept."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            target = write(form.cleaned_data)
        except ValidationError as error:
            form.add_problems(error)
            status = status_for(error, 200)
        else:
            messages.success(request, done if isinstance(done, str) else done(target))
            return redirect(target)
    return _form_page(request, template, context, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.MANAGE_PLANS)
    kpis = list(Kpi.objects.for_contract(contract).in_report_order())
    initial = {name: request.GET.get(name, "") for name in ("kpi", "first_quarter", "trigger")}
    form = PlanForm(
        request.POST or None,
        initial=initial,
        kpis=kpis,
        quarters=held_quarter_options(contract),
        working_days=working_days_for(contract),
    )

    def write(data: dict) -> Plan:
        return writes.open_plan(
            kpi=form.kpis[data["kpi"]],
            title=data["title"],
            trigger=data["trigger"],
            first_quarter=data["first_quarter"],
            last_quarter=data["last_quarter"],
            notified_on=data["notified_on"],
            root_cause=data["root_cause"],
            user=request.user,
        )

    context = {"contract": contract, "working_days": working_days_for(contract)}
    return _form_flow(
        request,
        form,
        "plans/plan_form.html",
        context,
        write=write,
        done=lambda plan: f"The plan is open, due on {plan.due_on:%-d %B %Y}.",
    )


def _managed_plan(request: HttpRequest, code: str, pk: int) -> Plan:
    plan = get_plan_for(request.user, code, pk)
    refuse_unless_may_ever(request.user, Action.MANAGE_PLANS, plan.kpi.contract_id)
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _managed_plan(request, code, pk)
    initial = {
        "title": plan.title,
        "trigger": plan.trigger,
        "first_quarter": plan.first_quarter.end_date.isoformat(),
        "last_quarter": plan.last_quarter.end_date.isoformat(),
        "notified_on": plan.notified_on.isoformat(),
        "root_cause": plan.root_cause,
    }
    form = PlanForm(
        request.POST or None,
        initial=initial,
        kpis=None,
        quarters=held_quarter_options(plan.kpi.contract),
        working_days=working_days_for(plan.kpi.contract),
        changing=True,
    )

    def write(data: dict) -> Plan:
        writes.change_plan(plan=plan, user=request.user, **data)
        return plan

    context = {"contract": plan.kpi.contract, "plan": plan}
    return _form_flow(
        request,
        form,
        "plans/plan_form.html",
        context,
        write=write,
        done="The plan has been changed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_state(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _managed_plan(request, code, pk)
    form = StateForm(request.POST or None, current=plan.state)

    def write(data: dict) -> Plan:
        writes.move_plan(
            plan=plan, to_state=data["state"], reason=data["reason"], user=request.user
        )
        return plan

    context = {"contract": plan.kpi.contract, "plan": plan}
    return _form_flow(
        request,
        form,
        "plans/state_form.html",
        context,
        write=write,
        done="The plan's state has been changed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _managed_plan(request, code, pk)
    form = ActionForm(request.POST or None, initial={"owner_side": "supplier"})

    def write(data: dict) -> Plan:
        writes.add_action(plan=plan, user=request.user, **data)
        return plan

    context = {"contract": plan.kpi.contract, "plan": plan}
    return _form_flow(
        request,
        form,
        "plans/action_form.html",
        context,
        write=write,
        done="The action has been added.",
    )


def _action(request: HttpRequest, code: str, pk: int, action_pk: int, action: Action):
    found = get_action_for(request.user, code, pk, action_pk)
    refuse_unless_may_ever(request.user, action, found.plan.kpi.contract_id)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def action_change(request: HttpRequest, code: str, pk: int, action_pk: int) -> HttpResponse:
    action = _action(request, code, pk, action_pk, Action.MANAGE_PLANS)
    initial = {
        "description": action.description,
        "owner": action.owner,
        "owner_side": action.owner_side,
        "due_on": action.due_on.isoformat(),
    }
    form = ActionForm(request.POST or None, initial=initial, changing=True)

    def write(data: dict) -> Plan:
        writes.change_action(action=action, user=request.user, **data)
        return action.plan

    context = {"contract": action.plan.kpi.contract, "plan": action.plan, "action": action}
    return _form_flow(
        request,
        form,
        "plans/action_form.html",
        context,
        write=write,
        done="The action has been changed.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_progress(request: HttpRequest, code: str, pk: int, action_pk: int) -> HttpResponse:
    action: PlanAction = _action(request, code, pk, action_pk, Action.RECORD_PROGRESS)
    initial = {"state": action.state, "done_on": action.done_on and action.done_on.isoformat()}
    form = ProgressForm(request.POST or None, initial=initial)

    def write(data: dict) -> Plan:
        writes.record_progress(action=action, user=request.user, **data)
        return action.plan

    context = {"contract": action.plan.kpi.contract, "plan": action.plan, "action": action}
    return _form_flow(
        request,
        form,
        "plans/progress_form.html",
        context,
        write=write,
        done="The action's progress has been recorded.",
    )
