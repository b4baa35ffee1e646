"""The committee's overview pages: every contract at a glance, and one contract's scorecard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from contracts.models import Contract
from kpis.access import get_contract_for
from kpis.choices import ReturnState
from kpis.filters import QuarterForm
from kpis.models import QuarterlyReturn, ReportingPeriod
from kpis.permissions import Action, allowed
from kpis.scorecard import latest_counts, left_out, scorecard
from kpis.summary import Counts
from kpis.visibility import PUBLIC_STATES, Sight


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    contracts = list(Contract.objects.visible_to(request.user).annotate(kpi_count=Count("kpis")))
    returns = list(
        QuarterlyReturn.objects.filter(contract__in=[c.pk for c in contracts])
        .select_related("period")
        .order_by("period__end_date")
    )
    # The headline is the latest quarter everyone may read; a later return still being worked
    # on is shown as such, never with its figures.
    latest: dict[int, QuarterlyReturn] = {}
    in_progress: dict[int, QuarterlyReturn] = {}
    for quarterly_return in returns:
        contract_id = quarterly_return.contract_id
        if quarterly_return.state in PUBLIC_STATES:
            latest[contract_id] = quarterly_return
            in_progress.pop(contract_id, None)
        else:
            in_progress[contract_id] = quarterly_return
    counts = latest_counts({c: r.period_id for c, r in latest.items()}, today)
    overdue = {
        r.pk for r in QuarterlyReturn.objects.overdue(today).filter(pk__in=[r.pk for r in returns])
    }
    by_code = {c.pk: c for c in contracts}
    open_returns = [
        (
            by_code[r.contract_id],
            r,
            r.pk in overdue,
            allowed(request.user, Action.READ, r.contract_id, r.state),
        )
        for r in returns
        if r.state != ReturnState.APPROVED
    ]
    rows = [
        (c, latest.get(c.pk), counts.get(c.pk, Counts()), in_progress.get(c.pk)) for c in contracts
    ]
    return render(
        request,
        "kpis/home.html",
        {"rows": rows, "open_returns": open_returns, "today": today},
    )


@login_required
def contract_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    contract = get_contract_for(request.user, code)
    periods = list(ReportingPeriod.objects.for_contract(contract))
    form = QuarterForm(request.GET or None, periods=periods)
    shown = form.shown_periods
    sight = Sight.of(request.user, contract)
    return render(
        request,
        "kpis/scorecard.html",
        {
            "contract": contract,
            "form": form,
            "shown_values": [p.end_date.isoformat() for p in shown],
            "periods": periods,
            "card": scorecard(contract, shown, today, sight=sight),
            "left_out": left_out(contract, shown, today, sight=sight),
        },
    )
