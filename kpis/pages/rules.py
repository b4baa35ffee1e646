"""A manager changes a KPI's target or thresholds from a quarter on."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn
from kpis.models.period import quarter_end_for
from kpis.pages.forms import error_summary, quarter_options
from kpis.pages.rule_form import RuleChangeForm
from kpis.permissions import Action
from kpis.permissions.fetch import get_kpi_for, refuse_unless_may_ever
from kpis.rules.conflicts import status_for
from kpis.writes import decisions


def _first_open_quarter(contract) -> datetime.date | None:
    """The quarter after the contract's last approved one: the earliest a change can start."""
    last = (
        QuarterlyReturn.objects.filter(contract=contract, state=ReturnState.APPROVED)
        .order_by("-period__end_date")
        .values_list("period__end_date", flat=True)
        .first()
    )
    return quarter_end_for(last + datetime.timedelta(days=1)) if last else None


@login_required
@require_http_methods(["GET", "POST"])
def rule_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    kpi = get_kpi_for(request.user, code, pk)
    refuse_unless_may_ever(request.user, Action.CHANGE_RULES, kpi.contract_id)
    suggested = _first_open_quarter(kpi.contract)
    quarters = quarter_options(kpi.contract, timezone.localdate())
    form = RuleChangeForm.for_kpi(kpi, request.POST or None, suggested=suggested, quarters=quarters)
    status = 200
    if request.method == "POST" and form.is_valid() and _made_already(kpi, form.cleaned_data):
        # The form sent twice: the first one changed the rule, and the second would change
        # nothing but the record of who changed it when.
        messages.info(request, f"The target of {kpi.reference} has been changed already.")
        return redirect(kpi)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.change_rule(kpi=kpi, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            status = status_for(error, otherwise=200)
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"The target of {kpi.reference} has been changed.")
            return redirect(kpi)
    context = {
        "contract": kpi.contract,
        "kpi": kpi,
        "form": form,
        "errors": error_summary([(form, "")]),
    }
    return render(request, "kpis/rule_change.html", context, status=status)


def _made_already(kpi, data: dict) -> bool:
    """Whether the KPI holds this rule already, changed from this quarter for this reason."""
    rule = kpi.rule()
    asked = (data["target"], data["target_strict"], data["detriment"], data["failure"])
    return (
        (rule.target, rule.strict, rule.detriment, rule.failure) == asked
        and rule.basis == data["threshold_basis"]
        and kpi.rule_changes.filter(
            effective_from=data["effective_from"], reason=data["reason"].strip()
        ).exists()
    )
