"""Committee packs as PDF: our own templates and print stylesheet, through WeasyPrint.

Everything the PDF needs is in the HTML or in the stylesheet read from our static files: the
renderer is given no way to fetch anything, so a pack never depends on the network.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from kpis import display
from kpis.visibility import PUBLIC

STYLESHEET = "packs/pack-pdf.css"


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"A pack's PDF fetches nothing: {url}")


def render_pdf(context: dict, produced: datetime.datetime | None = None) -> bytes:
    """The pack of `kpis.views.pack.pack_context` as A4 landscape PDF bytes."""
    produced = produced or timezone.now()
    # Every quarter's approval state, in words: approved, or how far its return has got.
    states = [
        (p, None if PUBLIC.shows(p) else display.in_progress_status(p.return_state))
        for p in context["year"]
    ]
    html = render_to_string(
        "packs/pack_pdf.html", {**context, "produced": produced, "quarter_states": states}
    )
    css = CSS(string=Path(finders.find(STYLESHEET)).read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[css])


def filename(context: dict) -> str:
    return f"{context['contract'].code}-committee-pack-{context['period'].end_date}.pdf"
