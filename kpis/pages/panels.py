"""Where apps built on `kpis` add to its pages, so that `kpis` never imports them.

An app registers from its `AppConfig.ready()`: `packs` puts its download and publish links and
its "restated" section on the committee pack and lists published packs on the scorecard; `regime`
adds its failures, money and term; `plans` lists rectification plans on the KPI page ("kpi"), the
scorecard and the pack. Each source is called once per page, so its queries stay fixed
in number.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

# (request, **context) -> HTML
PanelSource = Callable[..., str]

_panels: dict[str, list[PanelSource]] = {}


def register_panel(place: str, source: PanelSource) -> None:
    _panels.setdefault(place, []).append(source)


def panels(place: str, request, **context) -> list[SafeString]:
    """HTML the registered apps add at `place` on a page ("pack_top", "pack_end", ...)."""
    return [mark_safe(source(request, **context)) for source in _panels.get(place, [])]
