"""What packs adds to the pages of `kpis` (see `kpis.extensions`)."""

from __future__ import annotations

from django.template.loader import render_to_string

from kpis import extensions


def _pack_top(request, *, contract, period, **context) -> str:
    return render_to_string(
        "packs/_pack_top.html", {"contract": contract, "period": period}, request=request
    )


def register() -> None:
    extensions.register_panel("pack_top", _pack_top)
