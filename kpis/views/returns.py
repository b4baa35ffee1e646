"""The quarterly return page: read it, enter figures, submit and approve it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kpis import services
from kpis.access import get_return_for
from kpis.models import QuarterlyReturn
from kpis.permissions import Action, ReturnLocked, may_ever, refusal
from kpis.views.returns_rows import ReturnPage, build_page

ACTIONS = {"save", "submit", "approve"}


def _render(request: HttpRequest, page: ReturnPage, *, status: int = 200, **extra) -> HttpResponse:
    quarterly_return = page.quarterly_return
    user, contract = request.user, quarterly_return.contract
    refused = {
        action: refusal(user, action, quarterly_return)
        for action in (Action.SUBMIT, Action.APPROVE, Action.SEND_BACK, Action.REOPEN)
    }
    context = {
        "page": page,
        "quarterly_return": quarterly_return,
        "contract": contract,
        "period": quarterly_return.period,
        "editable": bool(page.forms) and not extra.get("frozen"),
        "set_targets": any(row.form and row.form.set_targets for row in page.rows),
        "can_submit": not refused[Action.SUBMIT],
        "can_approve": not refused[Action.APPROVE],
        "can_send_back": not refused[Action.SEND_BACK],
        "can_reopen": not refused[Action.REOPEN],
        # Why a manager sees no approve button on a return waiting for approval.
        "approve_refusal": refused[Action.APPROVE]
        if quarterly_return.state == "submitted" and may_ever(user, Action.APPROVE, contract.pk)
        else "",
        "can_suspend": may_ever(user, Action.SUSPEND, contract.pk)
        and not quarterly_return.is_locked,
        "error_summary": page.error_summary() if page.forms else [],
        **extra,
    }
    return render(request, "kpis/returns/detail.html", context, status=status)


def _page(request: HttpRequest, quarterly_return: QuarterlyReturn, data=None) -> ReturnPage:
    user = request.user
    editable = not refusal(user, Action.EDIT, quarterly_return)
    return build_page(
        quarterly_return,
        today=timezone.localdate(),
        editable=editable,
        set_targets=editable and not refusal(user, Action.SET_TARGETS, quarterly_return),
        data=data,
    )


def _refused(request: HttpRequest, quarterly_return, reason: str) -> HttpResponse:
    """Nothing changed, and the page says why; what was typed is shown again where it can be."""
    quarterly_return.refresh_from_db()
    if request.POST.get("action", "save") not in {"save", "submit"}:
        return _render(request, _page(request, quarterly_return), status=409, refusal=reason)
    # What was typed comes back, in a form that can no longer be sent, so nothing is lost.
    page = build_page(
        quarterly_return,
        today=timezone.localdate(),
        editable=True,
        set_targets=False,
        data=request.POST,
    )
    page.all_valid()
    return _render(request, page, status=409, refusal=reason, frozen=True)


@login_required
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    quarterly_return = get_return_for(request.user, code, end_date)
    if request.method != "POST":
        return _render(request, _page(request, quarterly_return))
    action = request.POST.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    if action == "approve":
        return _approve(request, quarterly_return)
    if not may_ever(request.user, Action.EDIT, quarterly_return.contract_id):
        raise PermissionDenied("You cannot change this contract's returns.")
    if reason := refusal(request.user, Action.EDIT, quarterly_return):
        return _refused(request, quarterly_return, reason)
    page = _page(request, quarterly_return, data=request.POST)
    if not page.all_valid():
        return _render(request, page)
    try:
        changed = services.save_return(
            quarterly_return=quarterly_return,
            user=request.user,
            entries=[form.entry() for form in page.forms],
            set_targets=any(form.set_targets for form in page.forms),
        )
    except ReturnLocked as error:
        # The return changed state (approved, returned, reopened) while the page was open.
        return _refused(request, quarterly_return, error.message)
    except services.ReturnInvalid as error:
        for kpi_id, problems in error.row_errors.items():
            row = page.row_for(kpi_id)
            if row and row.form:
                row.form.add_problems(problems)
        return _render(request, page)
    except services.EditConflict as conflict:
        for kpi_id, current in conflict.current.items():
            row = page.row_for(kpi_id)
            if row and row.form:
                row.conflict = current
                row.form.take_version(current.version)
        return _render(request, page, status=409)
    saved = f"Saved: {len(changed)} {'KPI' if len(changed) == 1 else 'KPIs'} changed."
    if action == "save":
        messages.success(request, saved)
        return redirect(request.path)
    return _submit(request, quarterly_return, saved)


def _submit(request: HttpRequest, quarterly_return: QuarterlyReturn, saved: str) -> HttpResponse:
    """Submit a return whose figures have just been saved."""
    try:
        services.submit_return(quarterly_return=quarterly_return, user=request.user)
    except services.ReturnIncomplete as error:
        # Shown again as typed, but with statuses and versions as just saved.
        page = _page(request, quarterly_return, data=request.POST)
        page.all_valid()
        for row in page.rows:
            if row.form and row.reading.pk:
                row.form.take_version(row.reading.version)
        for kpi_id, field, message in error.problems:
            row = page.row_for(kpi_id)
            if row and row.form:
                row.form.add_error(field, message)
        return _render(
            request, page, refusal=f"{saved} The return cannot be submitted until these are done."
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(request.path)
    messages.success(request, f"{saved} The return has been submitted for approval.")
    return redirect(request.path)


def _approve(request: HttpRequest, quarterly_return: QuarterlyReturn) -> HttpResponse:
    if not may_ever(request.user, Action.APPROVE, quarterly_return.contract_id):
        raise PermissionDenied("Only a contract manager can approve a return.")
    try:
        services.approve_return(quarterly_return=quarterly_return, user=request.user)
    except services.ReturnIncomplete as error:
        problems = "; ".join(message for _, _, message in error.problems[:3])
        reason = (
            f"This return cannot be approved: {len(error.problems)} KPI(s) are not ready "
            f"({problems}). Return it to the officer with a reason."
        )
        return _refused(request, quarterly_return, reason)
    except ValidationError as error:
        # Refused in its present state: already approved by another manager, say.
        return _refused(request, quarterly_return, " ".join(error.messages))
    messages.success(request, "The return has been approved and is now locked.")
    return redirect(request.path)
