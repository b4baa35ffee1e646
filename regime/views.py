"""The contract's "service failures and credits" page, a manager's relief of a failure and the
credit a manager records as applied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kpis.pages.forms import error_summary, held_quarter_options
from kpis.permissions import Action, may_ever
from kpis.permissions.fetch import get_contract_for, get_workable_contract_for
from kpis.rules.conflicts import CONFLICT, codes
from regime import answers, services
from regime.forms import AppliedCreditForm, ReliefForm
from regime.ledger import regime_for
from regime.publication import open_data_lines


@login_required
def regime_page(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    regime = regime_for(contract, timezone.localdate())
    answers.attach(contract, regime.escalations)
    return render(
        request,
        "regime/regime.html",
        {
            "contract": contract,
            "regime": regime,
            "quarters": list(reversed(regime.quarters)),
            "may_relieve": may_ever(request.user, Action.RELIEVE, contract.pk),
            "may_record_credit": may_ever(request.user, Action.RECORD_CREDIT, contract.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def relief_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.RELIEVE)
    kpis = list(contract.kpis.order_by("service_area__position", "position", "id"))
    initial = {"kpi": request.GET.get("kpi", ""), "quarter": request.GET.get("quarter", "")}
    form = ReliefForm(
        request.POST or None, initial=initial, kpis=kpis, quarters=held_quarter_options(contract)
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.record_relief(
                kpi=form.kpis[form.cleaned_data["kpi"]],
                end_date=form.cleaned_data["quarter"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error, "quarter")
            status = _status_for(error)
        else:
            messages.success(request, "The relief has been recorded.")
            return redirect(reverse("regime", args=[contract.code]))
    context = {"contract": contract, "form": form, "errors": error_summary([(form, "")])}
    return render(request, "regime/relief_form.html", context, status=status)


def _status_for(error: ValidationError) -> int:
    """409 for a decision recorded meanwhile (the form sent twice, say); a quarter not yet
    approved is a choice to correct, beside its field."""
    return 409 if CONFLICT in codes(error) else 200


def _add_errors(form, error: ValidationError, fallback: str) -> None:
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(fallback, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def applied_credit_new(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.RECORD_CREDIT)
    form = AppliedCreditForm(
        request.POST or None,
        initial={"quarter": request.GET.get("quarter")},
        quarters=held_quarter_options(contract),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.record_applied_credit(
                contract=contract,
                end_date=form.cleaned_data["quarter"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error, "quarter")
            status = _status_for(error)
        else:
            messages.success(request, "The credit applied has been recorded.")
            return redirect(reverse("regime", args=[contract.code]))
    context = {"contract": contract, "form": form, "errors": error_summary([(form, "")])}
    return render(request, "regime/applied_credit_form.html", context, status=status)


@require_GET
@login_required
def open_data_csv(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    """Every contract's service failures or credits in approved quarters, as open data."""
    today = timezone.localdate()
    response = StreamingHttpResponse(
        open_data_lines(kind, today), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="service-{kind}-{today}.csv"'
    return response
