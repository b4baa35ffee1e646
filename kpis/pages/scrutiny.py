"""The committee's overview pages: every contract at a glance, and one contract's scorecard."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from contracts.models import Contract
from contracts.roles import contracts_worked_on
from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, ReportingPeriod
from kpis.pages import page_cache, panels
from kpis.pages.filters import QuarterForm
from kpis.permissions import Action, allowed, may_create_contract, may_ever
from kpis.permissions.fetch import get_contract_for
from kpis.permissions.sight import PUBLIC, PUBLIC_STATES, Sight
from kpis.reads import contract_tables, display, marks, together
from kpis.reads.grid import build_grid
from kpis.reads.scorecard import counts_by_quarter, left_out, misses, scorecard
from kpis.reads.summary import Counts
from kpis.reads.year import Year
from kpis.rules import due

CONTRACTS_PER_PAGE = 50


def _contracts_page(request: HttpRequest, query: str):
    contracts = Contract.objects.visible_to(request.user)
    if query:
        contracts = contracts.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(supplier__icontains=query)
            | Q(authority__icontains=query)
        )
    # Counted per contract by a subquery rather than a join, so that the paginator's count reads
    # the contracts alone and only the page's fifty count their KPIs (a join grouped every KPI of
    # every contract twice: 23 against 2 ms at 500 contracts).
    kpis = Kpi.objects.filter(contract=OuterRef("pk")).order_by().values("contract")
    kpi_count = Coalesce(Subquery(kpis.annotate(n=Count("pk")).values("n")), 0)
    contracts = contracts.annotate(kpi_count=kpi_count).order_by("authority", "name", "pk")
    return Paginator(contracts, CONTRACTS_PER_PAGE).get_page(request.GET.get("page"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # NUL cannot be sent to PostgreSQL, and no name holds one.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    page = _contracts_page(request, query)
    contracts = list(page.object_list)
    # The returns panel: officers and managers see every contract they act on, whatever the
    # page; readers and administrators, the contracts on this page.
    worked = contracts_worked_on(request.user)
    acted_on = contracts
    if worked:
        on_page = {c.pk for c in contracts}
        acted_on = [c for c in contracts if c.pk in worked]
        if not worked <= on_page:
            acted_on = list(Contract.objects.filter(pk__in=worked).order_by("authority", "name"))
    # A contract added or removed elsewhere moves the count and the pages' links.
    body = page_cache.fragment_of_many(
        request,
        contracts + acted_on,
        f"home:{page.paginator.count}",
        lambda: _home_body(request, page, query, contracts, acted_on, bool(worked)),
        query=_home_query(query, page),
    )
    return render(request, "kpis/home.html", {"body": body})


def _home_query(query: str, page) -> str | None:
    """The home page is kept per page of contracts, the number checked by the paginator; a
    search is free text, which would make an entry per word typed, so it is built each time."""
    if query:
        return None
    return f"page={page.number}"


class Shown(NamedTuple):
    """A return as the table of contracts shows it: its quarter and where it stands."""

    period: ReportingPeriod
    state: str

    @property
    def state_label(self) -> str:
        return ReturnState(self.state).label


def _home_body(request, page, query: str, contracts, acted_on, panel_is_yours: bool):
    today = timezone.localdate()
    wanted = {c.pk for c in contracts} | {c.pk for c in acted_on}
    # The page walks every return of fifty contracts, some 2,500 at fifty quarters each: read as
    # rows, each quarter once, and whole returns only for the few the panel lists.
    returns = list(
        QuarterlyReturn.objects.filter(contract__in=wanted)
        .order_by("period__end_date")
        .values_list("pk", "contract_id", "period_id", "state", "approved_at")
    )
    periods = ReportingPeriod.objects.in_bulk({period_id for _, _, period_id, _, _ in returns})
    held = [
        due.Held(pk, contract_id, periods[period_id].end_date, state, approved_at)
        for pk, contract_id, period_id, state, approved_at in returns
    ]
    # The headline is the latest quarter everyone may read; a later return still being worked
    # on is shown as such, never with its figures.
    latest: dict[int, Shown] = {}
    in_progress: dict[int, Shown] = {}
    for _, contract_id, period_id, state, _ in returns:
        if state in PUBLIC_STATES:
            latest[contract_id] = Shown(periods[period_id], state)
            in_progress.pop(contract_id, None)
        else:
            in_progress[contract_id] = Shown(periods[period_id], state)
    # Beside it, the financial year to date: that year's approved quarters (none is later than
    # the latest), counted in the same query.
    year_periods: dict[int, list[ReportingPeriod]] = {c.pk: [] for c in contracts if c.pk in latest}
    for _, contract_id, period_id, state, _ in returns:
        period = periods[period_id]
        if (
            contract_id in year_periods
            and state in PUBLIC_STATES
            and period.financial_year == latest[contract_id].period.financial_year
        ):
            year_periods[contract_id].append(period)
    counts = counts_by_quarter({c: [p.pk for p in ps] for c, ps in year_periods.items()}, today)
    years = {
        c: (
            Year(latest[c].period.financial_year, tuple(ps)),
            sum((counts[c, p.pk] for p in ps), Counts()),
        )
        for c, ps in year_periods.items()
    }
    acted_ids = {c.pk for c in acted_on}
    quarters, approvals_not_listed = due.home_panel(
        acted_on, today, [h for h in held if h.contract_id in acted_ids]
    )
    for q in quarters:
        q.can_open = q.quarterly_return is not None and allowed(
            request.user, Action.READ, q.contract.pk, q.state
        )
    rows = [
        (
            c,
            latest.get(c.pk),
            counts[c.pk, latest[c.pk].period.pk] if c.pk in latest else Counts(),
            in_progress.get(c.pk),
            *years.get(c.pk, (None, Counts())),
        )
        for c in contracts
    ]
    html = render_to_string(
        "kpis/_home_body.html",
        {
            "rows": rows,
            "page": page,
            "query": query,
            "quarters": quarters,
            "approvals_not_listed": approvals_not_listed,
            "recently_approved_days": due.RECENTLY_APPROVED_DAYS,
            "panel_is_yours": panel_is_yours,
            "today": today,
            "overdue_after_days": settings.RETURN_OVERDUE_AFTER_DAYS,
            "can_create_contract": may_create_contract(request.user),
            "home_panels": panels.panels("home", request, contracts=acted_on),
        },
    )
    return page_cache.Fragment(html)


@login_required
def contract_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_contract_for(request.user, code)
    today = timezone.localdate()
    # Quarters asked for are checked against the contract's: a page asking for none is kept
    # under no filter without reading them.
    asked = page_cache.asked(request, QuarterForm.base_fields)
    form = None
    if asked:
        # The quarters asked for are checked against the contract's, read with the small tables
        # the page shows.
        together.preload(contract)
        form = _quarter_form(asked, contract, today)
    query = page_cache.form_query(form) if form is not None else page_cache.NO_FILTER

    body = page_cache.fragment(
        request,
        contract,
        "scorecard",
        lambda: _scorecard_body(request, contract, form, today),
        query=query,
    )
    return render(request, "kpis/scorecard.html", {"contract": contract, "body": body})


def _quarter_form(data, contract: Contract, today: datetime.date) -> QuarterForm:
    return QuarterForm(data, periods=contract_tables.periods(contract), today=today)


def _grid(contract: Contract, shown, today: datetime.date, sight: Sight) -> list:
    """The grid of the quarters shown: the missed targets, and the KPIs left out of the counts."""
    rows = build_grid(
        Kpi.objects.for_contract(contract).in_report_order(),
        shown,
        today,
        sight=sight,
        contract=contract,
    )
    marks.mark_rows(rows, contract)
    return rows


def _scorecard_body(
    request: HttpRequest, contract: Contract, form: QuarterForm | None, today: datetime.date
) -> page_cache.Fragment:
    # The small tables the page shows (its quarters, the regime's, the contract's money, the
    # packs published, the KPIs' suspensions and changes of rule), in one query.
    together.preload(contract)
    contract_tables.hold_service_areas(contract)
    if form is None:
        form = _quarter_form(None, contract, today)
    periods = form.periods
    shown = form.shown_periods
    year = form.year_shown
    sight = Sight.of(request.user, contract)
    rows = _grid(contract, shown, today, sight)
    html = render_to_string(
        "kpis/_scorecard_body.html",
        {
            "contract": contract,
            "form": form,
            "shown_values": [p.end_date.isoformat() for p in shown],
            "periods": periods,
            "card": scorecard(contract, shown, today, sight=sight, year=year, rows=rows),
            "year_value": str(year.financial_year) if year else "",
            "sources": display.sources(shown, sight),
            "gaps": display.gaps(shown, periods),
            # A pack is what the committee is shown: offered for approved quarters only.
            "packs": [p for p in reversed(periods) if PUBLIC.shows(p)],
            "left_out": left_out(contract, shown, today, sight=sight, rows=rows),
            "misses": misses(rows),
            "scorecard_panels": panels.panels(
                "scorecard",
                request,
                contract=contract,
                periods=periods,
                kpis=[row.kpi for row in rows],
            ),
            "can_define_kpis": may_ever(request.user, Action.DEFINE_KPIS, contract.pk),
            "can_import": may_ever(request.user, Action.EDIT, contract.pk),
            "can_backfill": may_ever(request.user, Action.BACKFILL, contract.pk),
            # A contract with returns has KPIs; one without is asked only then.
            "has_kpis": bool(periods) or contract.kpis.exists(),
        },
    )
    return page_cache.Fragment(html, has_errors=bool(form.errors))
