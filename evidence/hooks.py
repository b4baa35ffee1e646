"""What evidence adds to other apps' pages, registered so that neither `kpis` nor `plans` names
this app: the files behind a KPI's figures on its page, each KPI's files on the quarter's return
page, and a plan's files on its page. One query per panel, however many files.

The KPI page is kept per reader's part in the contract (`kpis.pages.page_cache`), which decides
the quarters, and so the files, it shows; every evidence row moves its contract's data version
on (watched below), so no cached page outlives a file attached or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string

from evidence.models import Evidence
from evidence.reads import shown
from kpis.pages import panels
from kpis.permissions import Action, may_ever, refusal
from kpis.permissions.sight import Sight
from kpis.writes import data_version


def _kpi(request, *, contract, kpi, **context) -> str:
    rows = shown(contract, Sight.of(request.user, contract)).filter(kpi=kpi)
    rows = rows.select_related("period").order_by("-period__end_date", "pk")
    return render_to_string(
        "evidence/_kpi_evidence.html", {"contract": contract, "kpi": kpi, "rows": list(rows)}
    )


@dataclass
class _Line:
    kpi: object
    files: list[Evidence] = field(default_factory=list)


def _return(request, *, contract, quarterly_return, kpis, **context) -> str:
    lines = {kpi.pk: _Line(kpi) for kpi in kpis}
    rows = shown(contract, Sight.of(request.user, contract)).filter(
        period_id=quarterly_return.period_id, kpi_id__in=list(lines)
    )
    for row in rows.order_by("pk"):
        lines[row.kpi_id].files.append(row)
    return render_to_string(
        "evidence/_return_evidence.html",
        {
            "contract": contract,
            "lines": list(lines.values()),
            "end_date": quarterly_return.period.end_date.isoformat(),
            "may_attach": not refusal(request.user, Action.ATTACH_EVIDENCE, quarterly_return),
        },
    )


def _plan(request, *, contract, plan, **context) -> str:
    rows = shown(contract, Sight.of(request.user, contract)).filter(plan=plan).order_by("pk")
    return render_to_string(
        "evidence/_plan_evidence.html",
        {
            "contract": contract,
            "plan": plan,
            "rows": list(rows),
            "may_attach": may_ever(request.user, Action.ATTACH_PLAN_EVIDENCE, plan.kpi.contract_id),
        },
    )


def register() -> None:
    data_version.watch(Evidence, data_version.of_contract)
    panels.register_panel("kpi", _kpi)
    panels.register_panel("return", _return)
    panels.register_panel("plan", _plan)
