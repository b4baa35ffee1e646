"""The quarterly return page: read it, enter figures, submit and approve it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts.roles import can_approve, can_enter_figures, can_set_targets
from kpis import services
from kpis.access import get_return_for
from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn
from kpis.views.returns_rows import ReturnPage, build_page

ACTIONS = {"save", "submit", "approve"}


def _render(request: HttpRequest, page: ReturnPage, *, status: int = 200, **extra) -> HttpResponse:
    quarterly_return = page.quarterly_return
    user, contract = request.user, quarterly_return.contract
    context = {
        "page": page,
        "quarterly_return": quarterly_return,
        "contract": contract,
        "period": quarterly_return.period,
        "editable": bool(page.forms),
        "set_targets": any(row.form and row.form.set_targets for row in page.rows),
        "can_submit": quarterly_return.state == ReturnState.DRAFT,
        "can_approve": quarterly_return.state == ReturnState.SUBMITTED
        and can_approve(user, contract),
        "can_reopen": quarterly_return.state != ReturnState.DRAFT and can_approve(user, contract),
        "can_suspend": not quarterly_return.is_locked and can_enter_figures(user, contract),
        "error_summary": page.error_summary() if page.forms else [],
        **extra,
    }
    return render(request, "kpis/returns/detail.html", context, status=status)


def _page(request: HttpRequest, quarterly_return: QuarterlyReturn, data=None) -> ReturnPage:
    user, contract = request.user, quarterly_return.contract
    editable = not quarterly_return.is_locked and can_enter_figures(user, contract)
    return build_page(
        quarterly_return,
        today=timezone.localdate(),
        editable=editable,
        set_targets=editable and can_set_targets(user, contract),
        data=data,
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    editing = request.method == "POST"
    quarterly_return = get_return_for(request.user, code, end_date, for_edit=editing)
    if not editing:
        return _render(request, _page(request, quarterly_return))
    action = request.POST.get("action", "save")
    if action not in ACTIONS:
        action = "save"
    if action == "approve" and not can_approve(request.user, quarterly_return.contract):
        raise PermissionDenied("Only a contract manager can approve a return.")
    if quarterly_return.is_locked:
        page = _page(request, quarterly_return)
        return _render(request, page, status=409, refusal=services.LOCKED_MESSAGE)
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
    except services.ReturnLocked:
        page = _page(request, quarterly_return)
        return _render(request, page, status=409, refusal=services.LOCKED_MESSAGE)
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
    return _advance(request, quarterly_return, page, action, saved)


def _advance(
    request: HttpRequest, quarterly_return: QuarterlyReturn, page: ReturnPage, action: str, saved
) -> HttpResponse:
    """Submit or approve a return whose figures have just been saved."""
    try:
        if action == "submit":
            services.submit_return(quarterly_return=quarterly_return, user=request.user)
            done = "The return has been submitted for approval."
        else:
            services.approve_return(quarterly_return=quarterly_return, user=request.user)
            done = "The return has been approved and is now locked."
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
    messages.success(request, f"{saved} {done}")
    return redirect(request.path)
