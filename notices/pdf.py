"""A published notice as a printable page and as PDF, in the service's layout: the same print
stylesheet as the committee packs, through WeasyPrint, fetching nothing."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

from notices import content
from notices.choices import Rating
from notices.models import PerformanceNotice

STYLESHEET = "packs/pack-pdf.css"


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"A notice's PDF fetches nothing: {url}")


def print_context(notice: PerformanceNotice) -> dict:
    return {
        "contract": notice.contract,
        "notice": notice,
        "fields": content.as_json(notice),
        "frozen": frozen_ratings(notice),
    }


def frozen_ratings(notice: PerformanceNotice) -> list[dict]:
    """The ratings as stored, with their labels."""
    return [
        {
            **row,
            "proposed_label": Rating(row["proposed"]).label,
            "rating_label": Rating(row["rating"]).label,
        }
        for row in notice.stored["ratings"]
    ]


def render_pdf(notice: PerformanceNotice) -> bytes:
    html = render_to_string("notices/notice_pdf.html", print_context(notice))
    css = CSS(string=Path(str(finders.find(STYLESHEET))).read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[css])
