"""What plans adds to other apps' pages, registered so that neither `kpis` nor `regime` names
this app: the KPI's open plans on its page, open plans with their progress on the scorecard and
in the committee pack (its PDF too), and the plan beside each persistent failure the regime
shows. One query per panel.

The KPI page and the scorecard are kept per reader's part in the contract (`kpis.pages.page_cache`),
which decides the plans they see; the pack is what the committee is shown, whoever prints it, and
lists the plans anyone may read.
"""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kpis.pages import panels
from kpis.permissions import Action, may_ever
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads import work
from kpis.writes import data_version
from plans import work as plan_work
from plans.models import Plan, PlanAction, PlanSettings
from plans.reads import plans_for, progress
from regime import answers


def _kpi(request, *, contract, kpi, **context) -> str:
    today = timezone.localdate()
    plans = plans_for(contract, Sight.of(request.user, contract), today, kpi=kpi, open_only=True)
    return render_to_string(
        "plans/_kpi_plans.html",
        {
            "contract": contract,
            "kpi": kpi,
            "plans": plans,
            "may_open": may_ever(request.user, Action.MANAGE_PLANS, contract.pk),
        },
    )


def _scorecard(request, *, contract, **context) -> str:
    today = timezone.localdate()
    plans = [p for p in _plans(contract, Sight.of(request.user, contract)) if p.is_open]
    return render_to_string(
        "plans/_scorecard_plans.html", {"contract": contract, "plans": plans, "today": today}
    )


def _pack_end(request, *, contract, period, **context) -> str:
    """The pack's rectification plans: every plan answering a failure in its quarter, whatever
    became of it (the committee reads what was done about each failure), and those still open
    for earlier failures; nothing where there are none, as a pack prints only what there is to
    say (and keeps its pages full)."""
    end = period.end_date
    plans = [
        p
        for p in _public_plans(contract)
        if p.first_quarter.end_date <= end and (p.is_open or p.last_quarter.end_date >= end)
    ]
    if not plans:
        return ""
    return render_to_string(
        "plans/_pack_plans.html", {"contract": contract, "period": period, "plans": plans}
    )


def _plans(contract, sight: Sight) -> list[Plan]:
    """Every plan `sight` shows, open first: one query, kept on the contract object (a page's,
    for one request) so that a page's lists and the regime's answers beside them share it
    where they show the same plans (the committee's scorecard, any pack)."""
    held = contract.__dict__.setdefault("_plans_seen", {})
    if sight.readable not in held:
        held[sight.readable] = plans_for(contract, sight, timezone.localdate())
    return held[sight.readable]


def _public_plans(contract) -> list[Plan]:
    return _plans(contract, PUBLIC)


def _answers(contract) -> list[answers.Answer]:
    """Every plan anyone may read, as what answers a persistent failure of its KPI in its
    quarters."""
    found = _public_plans(contract)
    return [
        answers.Answer(
            kpi_id=plan.kpi_id,
            first=plan.first_quarter.end_date,
            last=plan.last_quarter.end_date,
            label=f"Rectification plan: {plan.title} ({plan.get_state_display().lower()}, "
            f"{progress(plan).text.lower()})",
            url=reverse("plan_detail", args=[contract.code, plan.pk]),
        )
        for plan in found
    ]


def _of_action(row) -> Q:
    # A subquery in the UPDATE itself, as `data_version.of_kpi` does.
    return Q(kpis__rectification_plans=row.plan_id)


def register() -> None:
    data_version.watch(PlanSettings, data_version.of_contract)
    data_version.watch(Plan, data_version.of_kpi)
    data_version.watch(PlanAction, _of_action)
    panels.register_panel("kpi", _kpi)
    panels.register_panel("scorecard", _scorecard)
    panels.register_panel("pack_end", _pack_end)
    answers.register_answers(_answers)
    for source in (
        plan_work.plans_awaited,
        plan_work.actions_due,
    ):
        work.register_source(source, plan_work.HEADINGS)
