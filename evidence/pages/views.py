"""The evidence pages: a figure's evidence (a KPI in one quarter's return), a plan's evidence,
removing a file with a reason, and the one view that sends a file.

Every file goes out through `download`, which looks it up for the reader (`reads.get_evidence_for`,
404 for a draft's evidence to anyone who may not see the draft); no file has an address of its
own. Who may attach or remove is the permission table's to say.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from evidence import writes
from evidence.models import Evidence
from evidence.pages.forms import AttachForm, RemoveForm
from evidence.reads import get_evidence_for, shown
from kpis.models import Kpi, QuarterlyReturn
from kpis.pages.forms import error_summary
from kpis.permissions import Action, may_ever, refusal
from kpis.permissions.fetch import get_return_for, refuse_unless_may_ever
from kpis.permissions.sight import Sight
from plans.reads import get_plan_for


def _attach(request: HttpRequest, form: AttachForm, write) -> Evidence | None:
    """Write the file if the form is valid; its problems, or the table's refusal, otherwise."""
    if not form.is_valid():
        return None
    try:
        return write(upload=form.cleaned_data["file"], description=form.cleaned_data["description"])
    except ValidationError as error:
        form.add_error(None, error.messages[0])
        return None


@login_required
@require_http_methods(["GET", "POST"])
def figure_evidence(request: HttpRequest, code: str, end_date: str, kpi_pk: int) -> HttpResponse:
    quarterly_return = get_return_for(request.user, code, end_date)
    contract = quarterly_return.contract
    kpi = get_object_or_404(Kpi.objects.select_related("unit"), contract=contract, pk=kpi_pk)
    refused = refusal(request.user, Action.ATTACH_EVIDENCE, quarterly_return)
    form = AttachForm()
    if request.method == "POST":
        refuse_unless_may_ever(request.user, Action.ATTACH_EVIDENCE, contract.pk)
        form = AttachForm(request.POST, request.FILES)

        def write(**data) -> Evidence:
            return writes.attach_to_figure(
                quarterly_return=quarterly_return, kpi=kpi, user=request.user, **data
            )

        if _attach(request, form, write):
            messages.success(request, "The file is attached.")
            return redirect(request.path)
    rows = shown(contract, Sight.of(request.user, contract)).filter(
        kpi=kpi, period=quarterly_return.period
    )
    return _page(
        request,
        form,
        {
            "contract": contract,
            "kpi": kpi,
            "quarterly_return": quarterly_return,
            "period": quarterly_return.period,
            "rows": list(rows.order_by("pk")),
            "may_attach": not refused,
            "attach_refusal": refused
            if may_ever(request.user, Action.ATTACH_EVIDENCE, contract.pk)
            else "",
            "may_remove": not refusal(request.user, Action.REMOVE_EVIDENCE, quarterly_return),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_evidence(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = get_plan_for(request.user, code, pk)
    contract = plan.kpi.contract
    form = AttachForm()
    if request.method == "POST":
        refuse_unless_may_ever(request.user, Action.ATTACH_PLAN_EVIDENCE, contract.pk)
        form = AttachForm(request.POST, request.FILES)

        def write(**data) -> Evidence:
            return writes.attach_to_plan(plan=plan, user=request.user, **data)

        if _attach(request, form, write):
            messages.success(request, "The file is attached.")
            return redirect(request.path)
    rows = shown(contract, Sight.of(request.user, contract)).filter(plan=plan)
    return _page(
        request,
        form,
        {
            "contract": contract,
            "plan": plan,
            "rows": list(rows.order_by("pk")),
            "may_attach": may_ever(request.user, Action.ATTACH_PLAN_EVIDENCE, contract.pk),
            "may_remove": may_ever(request.user, Action.REMOVE_PLAN_EVIDENCE, contract.pk),
        },
    )


def _page(request: HttpRequest, form: AttachForm, context: dict) -> HttpResponse:
    errors = error_summary([(form, "")])
    return render(
        request,
        "evidence/evidence_page.html",
        {**context, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    row = get_evidence_for(request.user, code, pk)
    try:
        stored = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored, as_attachment=True, filename=row.name, content_type=row.content_type
    )
    # Never shown inline nor guessed at by the browser: a file is what its contents showed.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _back(row: Evidence) -> str:
    if row.plan_id:
        return reverse("plan_evidence", args=[row.contract.code, row.plan_id])
    end = row.period.end_date.isoformat() if row.period else ""
    return reverse("figure_evidence", args=[row.contract.code, end, row.kpi_id])


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    row = get_evidence_for(request.user, code, pk)
    action = Action.REMOVE_PLAN_EVIDENCE if row.plan_id else Action.REMOVE_EVIDENCE
    refuse_unless_may_ever(request.user, action, row.contract_id)
    quarterly_return = (
        None
        if row.plan_id
        else QuarterlyReturn.objects.filter(contract=row.contract, period=row.period).first()
    )
    refused = refusal(request.user, action, quarterly_return, contract_id=row.contract_id)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not refused:
        try:
            writes.remove(evidence=row, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            refused = error.messages[0]
        else:
            messages.success(request, f"“{row.name}” is removed; its record is kept.")
            return redirect(_back(row))
    errors = error_summary([(form, "")]) if request.method == "POST" else []
    return render(
        request,
        "evidence/remove.html",
        {
            "contract": row.contract,
            "row": row,
            "form": form,
            "errors": errors,
            "refusal": refused,
            "back": _back(row),
        },
        status=409 if refused and request.method == "POST" else (400 if errors else 200),
    )
