"""What packs adds to the pages of `kpis` (see `kpis.pages.panels` and `kpis.reads.marks`): one
query per panel."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse

from kpis.pages import panels
from kpis.permissions import Action, allowed
from kpis.reads import marks
from kpis.writes import data_version
from packs import published as published_tables
from packs.models import PublishedPack
from packs.published import published_for
from packs.restatements import Restatement, restatements_for


def _pack_top(request, *, contract, period, **context) -> str:
    published = [p for p in published_for(contract) if p.period_id == period.pk]
    may_publish = allowed(request.user, Action.PUBLISH, contract.pk, period.return_state or "none")
    return render_to_string(
        "packs/_pack_top.html",
        {
            "contract": contract,
            "period": period,
            "published": published,
            "may_publish": may_publish,
        },
        request=request,
    )


def _scorecard(request, *, contract, **context) -> str:
    published = published_for(contract)
    return render_to_string(
        "packs/_scorecard_packs.html", {"contract": contract, "published": published}
    )


def _restated(contract) -> list[Restatement]:
    # Kept on the contract object, so that a page asking twice (marks, then a section) asks once.
    if not hasattr(contract, "_restatements"):
        contract._restatements = restatements_for(contract)
    return contract._restatements


def _marks(contract) -> dict[tuple[int, int], marks.Mark]:
    url = reverse("restatements", args=[contract.code])
    return {
        (r.reading.kpi_id, r.reading.period_id): marks.Mark("Restated", r.summary, url)
        for r in _restated(contract)
    }


def _pack_end(request, *, contract, period, **context) -> str:
    earlier = [r for r in _restated(contract) if r.period.end_date < period.end_date]
    return render_to_string("packs/_pack_end.html", {"restatements": earlier})


def register() -> None:
    data_version.watch(PublishedPack, data_version.of_contract)
    published_tables.register()
    panels.register_panel("pack_top", _pack_top)
    panels.register_panel("pack_end", _pack_end)
    panels.register_panel("scorecard", _scorecard)
    marks.register_marks(_marks)
