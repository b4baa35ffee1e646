"""The quarterly return page: read it, enter figures, submit and approve it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kpis.models import QuarterlyReturn, SuspensionRequest
from kpis.pages import panels
from kpis.pages.returns_rows import ReturnPage, build_page
from kpis.permissions import Action, ReturnLocked, may_ever, refusal
from kpis.permissions.fetch import get_return_for, refuse_unless_may_ever
from kpis.permissions.sight import Sight
from kpis.rules import due
from kpis.writes import saving, workflow


def _render(request: HttpRequest, page: ReturnPage, *, status: int = 200, **extra) -> HttpResponse:
    quarterly_return = page.quarterly_return
    user, contract = request.user, quarterly_return.contract
    refused = {
        action: refusal(user, action, quarterly_return)
        for action in (
            Action.SUBMIT,
            Action.APPROVE,
            Action.SEND_BACK,
            Action.REOPEN,
            Action.DISCARD,
        )
    }
    context = {
        "page": page,
        "quarterly_return": quarterly_return,
        "contract": contract,
        "period": quarterly_return.period,
        "due": due.quarter_for(quarterly_return, timezone.localdate()),
        "editable": bool(page.forms) and not extra.get("frozen"),
        "set_targets": any(row.form and row.form.set_targets for row in page.rows),
        "can_submit": not refused[Action.SUBMIT],
        "can_approve": not refused[Action.APPROVE],
        "can_send_back": not refused[Action.SEND_BACK],
        "can_reopen": not refused[Action.REOPEN],
        "can_discard": not refused[Action.DISCARD],
        # Why a manager sees no approve button on a return waiting for approval.
        "approve_refusal": refused[Action.APPROVE]
        if quarterly_return.state == "submitted" and may_ever(user, Action.APPROVE, contract.pk)
        else "",
        "can_suspend": may_ever(user, Action.SUSPEND, contract.pk)
        and not quarterly_return.is_locked,
        "can_ask_suspension": not refusal(user, Action.ASK_SUSPENSION, quarterly_return)
        and not may_ever(user, Action.SUSPEND, contract.pk),
        "suspension_requests": list(
            SuspensionRequest.objects.filter(
                kpi__contract=contract, state=SuspensionRequest.State.PENDING
            ).select_related("kpi", "requested_by")
        )
        if may_ever(user, Action.ASK_SUSPENSION, contract.pk)
        else [],
        "error_summary": page.error_summary() if page.forms else [],
        "return_panels": panels.panels(
            "return",
            request,
            contract=contract,
            quarterly_return=quarterly_return,
            kpis=[row.kpi for row in page.rows],
        ),
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
        sight=Sight.of(user, quarterly_return.contract),
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
        sight=Sight.of(request.user, quarterly_return.contract),
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
    if action == "approve":
        if request.POST.get("confirm") != "yes" and not refusal(
            request.user, Action.APPROVE, quarterly_return
        ):
            return _confirm_approval(request, quarterly_return)
        return _approve(request, quarterly_return)
    # Saving comes first whether the officer saves or submits; an unknown action saves.
    return _save(request, quarterly_return, then_submit=action == "submit")


def _save(
    request: HttpRequest, quarterly_return: QuarterlyReturn, *, then_submit: bool
) -> HttpResponse:
    """Save every valid row; then on to submitting, or back to the rows left out."""
    refuse_unless_may_ever(request.user, Action.EDIT, quarterly_return.contract_id)
    if reason := refusal(request.user, Action.EDIT, quarterly_return):
        return _refused(request, quarterly_return, reason)
    page = _page(request, quarterly_return, data=request.POST)
    page.all_valid()
    valid = [form for form in page.forms if not form.errors]
    try:
        saved = saving.save_draft(
            quarterly_return=quarterly_return,
            user=request.user,
            entries=[form.entry() for form in valid],
            set_targets=any(form.set_targets for form in page.forms),
        )
    except ReturnLocked as error:
        # The return changed state (approved, returned, reopened) while the page was open.
        return _refused(request, quarterly_return, error.message)
    except saving.EditConflict as conflict:
        return _conflict(request, page, conflict)
    changed = len(saved.written)
    done = f"Saved: {changed} {'KPI' if changed == 1 else 'KPIs'} changed."
    left_out = {form.kpi.pk for form in page.forms if form.errors} | set(saved.problems)
    if left_out:
        note = _left_out_note(done, len(left_out), then_submit)
        return _partly_saved(request, quarterly_return, page, saved, note)
    if then_submit:
        return _submit(request, quarterly_return, done)
    messages.success(request, done)
    return redirect(request.path)


def _conflict(
    request: HttpRequest, page: ReturnPage, conflict: saving.EditConflict
) -> HttpResponse:
    """Someone else saved rows since the page was read: their figures beside what was typed."""
    for kpi_id, current in conflict.current.items():
        row = page.row_for(kpi_id)
        if row and row.form:
            row.conflict = current
            row.form.take_version(current.version)
    return _render(request, page, status=409)


def _left_out_note(done: str, not_saved: int, then_submit: bool) -> str:
    if not_saved == 1:
        note = f"{done} 1 KPI was not saved: correct it below and save again."
    else:
        note = f"{done} {not_saved} KPIs were not saved: correct them below and save again."
    return note + " The return has not been submitted." if then_submit else note


def _partly_saved(
    request: HttpRequest,
    quarterly_return: QuarterlyReturn,
    page: ReturnPage,
    saved: saving.DraftSaved,
    note: str,
) -> HttpResponse:
    """The rows left out, with their problems, and the rows saved as now stored."""
    if saved.written:
        # Shown again as typed, with what was saved now stored (new statuses and versions).
        page = _page(request, quarterly_return, data=request.POST)
        page.all_valid()
    written = {reading.kpi_id for reading in saved.written}
    for row in page.rows:
        if row.form and row.kpi.pk in written:
            row.form.take_version(row.reading.version)
        if row.form and row.kpi.pk in saved.problems:
            row.form.add_problems(saved.problems[row.kpi.pk])
    return _render(request, page, refusal=note)


def _submit(request: HttpRequest, quarterly_return: QuarterlyReturn, saved: str) -> HttpResponse:
    """After saving: on to check the answers, or back to what is left to do."""
    problems = workflow.incomplete_rows(quarterly_return)
    if not problems:
        messages.success(request, f"{saved} Check your answers, then submit.")
        return redirect(
            "return_check",
            quarterly_return.contract.code,
            request.resolver_match.kwargs["end_date"],
        )
    # Shown again as typed, but with statuses and versions as just saved.
    page = _page(request, quarterly_return, data=request.POST)
    page.all_valid()
    for row in page.rows:
        if row.form and row.reading.pk:
            row.form.take_version(row.reading.version)
    for kpi_id, field, message in problems:
        row = page.row_for(kpi_id)
        if row and row.form:
            row.form.add_error(field, message)
    return _render(
        request,
        page,
        refusal=f"{saved} The return cannot be submitted until these are done.",
        everything_saved=True,
    )


def _confirm_approval(request: HttpRequest, quarterly_return: QuarterlyReturn) -> HttpResponse:
    """Approving locks the quarter and shows it to the committee: asked once more."""
    period = quarterly_return.period
    context = {
        "contract": quarterly_return.contract,
        "heading": f"Approve and lock the return for {period.long_label}?",
        "explanation": [
            "Approving locks the quarter: its figures, suspensions and targets then change only "
            "after a contract manager reopens it, giving a reason.",
            "The committee, the downloads, the API and the open data see its figures from then on.",
        ],
        "button": "Yes, approve and lock it",
        "action": request.path,
        "fields": [("action", "approve")],
        "back": request.path,
    }
    return render(request, "_confirm.html", context)


def _approve(request: HttpRequest, quarterly_return: QuarterlyReturn) -> HttpResponse:
    refuse_unless_may_ever(request.user, Action.APPROVE, quarterly_return.contract_id)
    try:
        workflow.approve_return(quarterly_return=quarterly_return, user=request.user)
    except workflow.ReturnIncomplete as error:
        problems = "; ".join(message for _, _, message in error.problems[:3])
        reason = (
            f"This return cannot be approved: {error.kpi_count} KPI(s) are not ready "
            f"({problems}). Return it to the officer with a reason."
        )
        return _refused(request, quarterly_return, reason)
    except ValidationError as error:
        # Refused in its present state: already approved by another manager, say.
        return _refused(request, quarterly_return, " ".join(error.messages))
    messages.success(request, "The return has been approved and is now locked.")
    return redirect(request.path)


@login_required
@require_http_methods(["GET", "POST"])
def return_check(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    """Check your answers: every figure and its status as saved, then submit."""
    quarterly_return = get_return_for(request.user, code, end_date)
    refuse_unless_may_ever(request.user, Action.SUBMIT, quarterly_return.contract_id)
    page = build_page(
        quarterly_return,
        today=timezone.localdate(),
        editable=False,
        set_targets=False,
        sight=Sight.of(request.user, quarterly_return.contract),
    )
    refused = refusal(request.user, Action.SUBMIT, quarterly_return)
    status = 200
    if request.method == "POST" and not refused:
        try:
            workflow.submit_return(quarterly_return=quarterly_return, user=request.user)
        except workflow.ReturnIncomplete:
            status = 409
        except ValidationError as error:
            refused, status = " ".join(error.messages), 409
        else:
            messages.success(request, "The return has been submitted for approval.")
            return redirect("return_detail", code, end_date)
    elif request.method == "POST":
        status = 409
    context = {
        "page": page,
        "quarterly_return": quarterly_return,
        "contract": quarterly_return.contract,
        "period": quarterly_return.period,
        "refusal": refused,
    }
    return render(request, "kpis/returns/check.html", context, status=status)
