"""Where apps built on `kpis` add to its pages, so that `kpis` never imports them.

An app registers from its `AppConfig.ready()`: `packs` puts its download and publish links and
its "restated" section on the committee pack and lists published packs on the scorecard; `regime`
adds its failures, money and term; `questions` lists the committee's questions and actions still
open on a KPI's page ("kpi"), the scorecard and the pack; `plans` lists rectification plans in
the same places; `notices` lists the Contract Performance Notices owed on the scorecard, the home
page and "My returns"; `evidence` lists the files behind the figures on the KPI page and the
return page ("return", rendered on every request, given the return and its rows' KPIs as
`quarterly_return` and `kpis`), and behind a plan on its page ("plan", given `plan`). Each
source is called once per page, so its queries stay fixed in number.

The places: "pack_top" (the live pack's page only, rendered on every request), "pack_end" (also
in its PDF, where `request` is None), "scorecard" and "kpi" (inside the cached middle of those
pages, so that what they add depends on the reader's part in the contract alone), "home" (inside
the home page's cached body, given the contracts its returns panel lists as `contracts`) and
"my_returns" (rendered on every request, given the user's contracts as `contracts`).
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
