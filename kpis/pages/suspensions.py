"""Suspensions from the return page: a manager records one; an officer asks, and a manager grants
or declines the request with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kpis.models import Kpi, Suspension, SuspensionRequest
from kpis.pages.forms import SuspensionForm, error_summary, quarter_options, reason_field
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_return_for, get_workable_contract_for, refuse_unless_may_ever
from kpis.rules.conflicts import status_for
from kpis.writes import decisions


class DeclineForm(forms.Form):
    note = reason_field("Why is the request declined?", "Say why the request is declined")


@login_required
@require_http_methods(["GET", "POST"])
def suspension_new(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    quarterly_return = get_return_for(request.user, code, end_date)
    contract, period = quarterly_return.contract, quarterly_return.period
    # Whoever may decide a suspension may ask for one. Other contracts' people get a 404.
    refuse_unless_may_ever(request.user, Action.ASK_SUSPENSION, contract.pk)
    decides = may_ever(request.user, Action.SUSPEND, contract.pk)
    kpis = list(Kpi.objects.for_contract(contract).in_report_order())
    status = 200
    form = SuspensionForm(
        request.POST or None,
        kpis=kpis,
        quarters=quarter_options(contract, timezone.localdate()),
        initial={"first_quarter": period.end_date.isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kpi = form.kpis[data["kpi"]]
        kpi.contract = contract
        span = {
            "kpi": kpi,
            "first_quarter": data["first_quarter"],
            "last_quarter": data["last_quarter"],
            "reason": data["reason"],
            "user": request.user,
        }
        done = "has been suspended" if decides else ": your request has gone to a manager"
        try:
            if decides:
                decisions.record_suspension(**span)
            else:
                decisions.ask_for_suspension(**span, quarterly_return=quarterly_return)
        except ValidationError as error:
            if _made_already(span, decides):
                # The form sent twice: the first one did it.
                messages.info(request, f"{kpi.reference} {done} already.".replace(" :", ":"))
                return redirect("return_detail", code, period.end_date.isoformat())
            form.add_error(None, error)
            status = status_for(error, otherwise=200)
        else:
            messages.success(request, f"{kpi.reference} {done}.".replace(" :", ":"))
            return redirect("return_detail", code, period.end_date.isoformat())
    context = {
        "quarterly_return": quarterly_return,
        "contract": contract,
        "period": period,
        "form": form,
        "decides": decides,
        "errors": error_summary([(form, "")]),
    }
    return render(request, "kpis/returns/suspension_form.html", context, status=status)


def _made_already(span: dict, decides: bool) -> bool:
    """Whether the suspension (or the request) is held already exactly as sent."""
    same = {
        "kpi": span["kpi"],
        "first_quarter": span["first_quarter"],
        "last_quarter": span["last_quarter"],
        "reason": span["reason"].strip(),
    }
    if decides:
        return Suspension.objects.filter(**same).exists()
    return SuspensionRequest.objects.filter(
        **same, requested_by=span["user"], state=SuspensionRequest.State.PENDING
    ).exists()


@login_required
@require_http_methods(["GET", "POST"])
def suspension_request(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One request, for the officers and managers of its contract; managers decide it here."""
    # Other contracts' officers and managers get a 404, as if there were no such request.
    contract = get_workable_contract_for(request.user, code, Action.ASK_SUSPENSION)
    asked = get_object_or_404(
        SuspensionRequest.objects.select_related("kpi", "requested_by", "decided_by"),
        pk=pk,
        kpi__contract=contract,
    )
    decides = may_ever(request.user, Action.SUSPEND, contract.pk)
    form = DeclineForm(request.POST if request.POST.get("decision") == "decline" else None)
    refused = ""
    if request.method == "POST":
        if not decides:
            raise PermissionDenied("Only a contract manager can grant or decline a request.")
        try:
            if request.POST.get("decision") == "grant":
                decisions.grant_suspension(asked=asked, user=request.user)
                messages.success(request, f"{asked.kpi.reference} has been suspended as asked.")
                return redirect("suspension_request", code, pk)
            if form.is_valid():
                decisions.decline_suspension(
                    asked=asked, user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, "The request has been declined.")
                return redirect("suspension_request", code, pk)
        except ValidationError as error:
            asked.refresh_from_db()
            if form.is_bound and asked.is_pending:
                form.add_error(None, ValidationError(error.messages))
            else:
                # Decided meanwhile (by someone else, or by the same form sent twice), or a
                # grant refused as things stand now.
                refused = " ".join(error.messages)
        asked.refresh_from_db()
    context = {
        "contract": contract,
        "asked": asked,
        "decides": decides and asked.is_pending,
        "form": form,
        "errors": error_summary([(form, "")]),
        "refused": refused,
    }
    status = 400 if form.errors else 409 if refused else 200
    return render(request, "kpis/suspension_request.html", context, status=status)
