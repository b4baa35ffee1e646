"""What packs adds to the pages of `kpis` (see `kpis.extensions`): one query per panel."""

from __future__ import annotations

from django.template.loader import render_to_string

from kpis import extensions
from kpis.permissions import Action, allowed
from packs.models import PublishedPack


def _pack_top(request, *, contract, period, **context) -> str:
    published = list(
        PublishedPack.objects.without_pdf().filter(contract=contract, period=period).newest_first()
    )
    for pack in published:
        pack.contract = contract
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
    published = list(PublishedPack.objects.without_pdf().for_contract(contract).newest_first())
    for pack in published:
        pack.contract = contract
    return render_to_string(
        "packs/_scorecard_packs.html", {"contract": contract, "published": published}
    )


def register() -> None:
    extensions.register_panel("pack_top", _pack_top)
    extensions.register_panel("scorecard", _scorecard)
