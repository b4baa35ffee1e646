"""The committee's overview pages: every contract at a glance, and one contract's scorecard."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from contracts.models import Contract
from contracts.roles import contracts_worked_on
from kpis import due, extensions
from kpis.access import get_contract_for
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
    # Officers and managers see the returns they act on; readers, every contract's.
    worked = contracts_worked_on(request.user)
    acted_on = [c for c in contracts if not worked or c.pk in worked]
    quarters = due.quarters_for(
        acted_on, today, [r for r in returns if r.contract_id in {c.pk for c in acted_on}]
    )
    for q in quarters:
        q.can_open = q.quarterly_return is not None and allowed(
            request.user, Action.READ, q.contract.pk, q.state
        )
    rows = [
        (c, latest.get(c.pk), counts.get(c.pk, Counts()), in_progress.get(c.pk)) for c in contracts
    ]
    return render(
        request,
        "kpis/home.html",
        {
            "rows": rows,
            "quarters": quarters,
            "today": today,
            "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
        },
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
            "scorecard_panels": extensions.panels("scorecard", request, contract=contract),
        },
    )
