"""Around the return page: the officer's list of returns due, starting, returning, reopening."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from contracts.models import Contract
from contracts.roles import works_on
from kpis.models import QuarterlyReturn, ReportingPeriod
from kpis.pages import panels
from kpis.pages.forms import ReopenForm, StartReturnForm, error_summary
from kpis.permissions import Action, may_ever, refusal
from kpis.permissions.fetch import get_return_for, get_workable_contract_for, refuse_unless_may_ever
from kpis.reads.work import may_have_contracts
from kpis.rules import due
from kpis.rules.conflicts import is_conflict
from kpis.writes import opening, workflow


@dataclass
class ContractDue:
    """One contract's quarters that need attention, and the quarters that can be started."""

    contract: Contract
    quarters: list[due.QuarterDue]
    startable: list[datetime.date]
    may_start: bool

    @property
    def start_form(self) -> StartReturnForm:
        initial = {"end_date": self.startable[0].isoformat()} if self.startable else {}
        return StartReturnForm(quarters=self.startable, initial=initial, prefix=self.contract.code)


def _contracts_due(user, today: datetime.date) -> list[ContractDue]:
    contracts = [c for c in Contract.objects.editable_by(user) if works_on(user, c)]
    quarters = due.quarters_for(contracts, today)
    return [
        ContractDue(
            contract,
            [q for q in quarters if q.contract.pk == contract.pk],
            due.startable(contract, quarters, today),
            may_ever(user, Action.START, contract.pk),
        )
        for contract in contracts
    ]


@login_required
def my_returns(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    contracts_due = _contracts_due(request.user, today)
    context = {
        "contracts_due": contracts_due,
        # The committee and others without contracts of their own are told who enters returns.
        "enters_returns": may_have_contracts(cast(User, request.user)),
        "panels": panels.panels(
            "my_returns", request, contracts=[entry.contract for entry in contracts_due]
        ),
        "today": today,
        "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
    }
    return render(request, "kpis/returns/my_returns.html", context)


def _already_started(request: HttpRequest, started: QuarterlyReturn) -> HttpResponse:
    messages.info(request, f"The return for {started.period.long_label} is already started.")
    return redirect("return_detail", started.contract.code, started.period.end_date.isoformat())


def _started_already(contract: Contract, chosen: str | None) -> QuarterlyReturn | None:
    """The return for the quarter chosen, if one exists: the form sent twice, or someone else
    started it meanwhile."""
    try:
        end_date = datetime.date.fromisoformat(chosen or "")
    except ValueError:
        return None
    return (
        QuarterlyReturn.objects.filter(contract=contract, period__end_date=end_date)
        .select_related("contract", "period")
        .first()
    )


def _confirm_start(
    request: HttpRequest, contract: Contract, end_date: datetime.date, startable
) -> HttpResponse:
    """Ask before opening a quarter: one mis-aimed Enter on "My returns" must not start a
    return, which readers would then see as a quarter in progress."""
    period = ReportingPeriod(end_date=end_date, **ReportingPeriod.fields_for(end_date))
    context = {
        "contract": contract,
        "period": period,
        "earlier": [
            ReportingPeriod(end_date=end, **ReportingPeriod.fields_for(end))
            for end in sorted(startable)
            if end < end_date
        ],
        "not_ended": end_date >= timezone.localdate(),
    }
    return render(request, "kpis/returns/start_confirm.html", context)


@login_required
@require_POST
def return_start(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_workable_contract_for(request.user, code, Action.START)
    chosen = request.POST.get(f"{contract.code}-end_date")
    if started := _started_already(contract, chosen):
        return _already_started(request, started)
    today = timezone.localdate()
    entry = next(d for d in _contracts_due(request.user, today) if d.contract.pk == contract.pk)
    form = StartReturnForm(request.POST, quarters=entry.startable, prefix=contract.code)
    if not form.is_valid():
        # Started by a click a moment before this one, between the check above and the list of
        # quarters that can still be started, which no longer offers it.
        if started := _started_already(contract, chosen):
            return _already_started(request, started)
    elif request.POST.get("confirm") != "yes":
        return _confirm_start(request, contract, form.cleaned_data["end_date"], entry.startable)
    else:
        try:
            quarterly_return = opening.open_return(
                contract=contract, end_date=form.cleaned_data["end_date"], user=request.user
            )
        except ValidationError as error:
            form.add_error("end_date", error.messages[0])
        else:
            return redirect(
                "return_detail", contract.code, quarterly_return.period.end_date.isoformat()
            )
    context = {"contract": contract, "form": form, "errors": error_summary([(form, "")])}
    return render(request, "kpis/returns/start.html", context)


# What a manager's "with a reason" actions do: the service, the page's words.
_BACK_TO_DRAFT = {
    Action.REOPEN: (workflow.reopen_return, "Reopen", "reopened for changes"),
    Action.SEND_BACK: (
        workflow.send_back_return,
        "Return to the officer",
        "returned to the officer",
    ),
}


def _back_to_draft(request: HttpRequest, code: str, end_date: str, action: Action):
    quarterly_return = get_return_for(request.user, code, end_date)
    service, verb, done = _BACK_TO_DRAFT[action]
    refuse_unless_may_ever(request.user, action, quarterly_return.contract_id)
    form = ReopenForm(request.POST or None, action=action)
    refused = refusal(request.user, action, quarterly_return)
    if not refused and request.method == "POST" and form.is_valid():
        try:
            service(
                quarterly_return=quarterly_return,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if is_conflict(error):
                # Approved, returned or reopened by someone else since the page was read.
                quarterly_return.refresh_from_db()
                refused = " ".join(error.messages)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, f"The return has been {done}.")
            return redirect("return_detail", code, quarterly_return.period.end_date.isoformat())
    context = {
        "quarterly_return": quarterly_return,
        "contract": quarterly_return.contract,
        "period": quarterly_return.period,
        "form": form,
        "verb": verb,
        "action": action,
        "refusal": refused,
        "errors": [] if refused else error_summary([(form, "")]),
    }
    status = 409 if refused and request.method == "POST" else 200
    return render(request, "kpis/returns/reopen.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_reopen(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    return _back_to_draft(request, code, end_date, Action.REOPEN)


@login_required
@require_http_methods(["GET", "POST"])
def return_send_back(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    return _back_to_draft(request, code, end_date, Action.SEND_BACK)


@login_required
@require_http_methods(["GET", "POST"])
def return_discard(request: HttpRequest, code: str, end_date: str) -> HttpResponse:
    """Ask, then discard a return started by mistake: the quarter is then not started again."""
    quarterly_return = get_return_for(request.user, code, end_date)
    refuse_unless_may_ever(request.user, Action.DISCARD, quarterly_return.contract_id)
    refused = refusal(request.user, Action.DISCARD, quarterly_return)
    if not refused and request.method == "POST":
        try:
            workflow.discard_return(quarterly_return=quarterly_return, user=request.user)
        except ValidationError as error:
            # Figures entered, or the return submitted, by someone else since the page was read.
            refused = " ".join(error.messages)
        else:
            messages.success(
                request, f"The return for {quarterly_return.period.long_label} has been discarded."
            )
            return redirect("my_returns")
    context = {
        "quarterly_return": quarterly_return,
        "contract": quarterly_return.contract,
        "period": quarterly_return.period,
        "refusal": refused,
    }
    status = 409 if refused and request.method == "POST" else 200
    return render(request, "kpis/returns/discard.html", context, status=status)
