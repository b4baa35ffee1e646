"""Committee packs as PDF: our own templates and print stylesheet, through WeasyPrint.

Everything the PDF needs is in the HTML or in the stylesheet read from our static files: the
renderer is given no way to fetch anything, so a pack never depends on the network.

Rendering takes seconds, so the live pack's PDF is rendered once per version of the contract's
data, quarter, day and release of the code (`live_pdf`) and kept in the `packs` cache, which
every worker on a server shares (files on disk, each written whole before it is seen). A pack
shows approved figures only, whoever reads it, so one copy serves every reader.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from kpis.permissions.sight import PUBLIC
from kpis.reads import display

STYLESHEET = "packs/pack-pdf.css"
CACHE = "packs"

logger = logging.getLogger(__name__)


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"A pack's PDF fetches nothing: {url}")


def render_pdf(context: dict, produced: datetime.datetime | None = None) -> bytes:
    """The pack of `kpis.reads.committee_pack.pack_context` as A4 landscape PDF bytes."""
    html = _html(context, produced or timezone.now())
    css = CSS(string=_stylesheet())
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=[css])


def printed_checksum(context: dict) -> str:
    """SHA-256 of what `render_pdf` prints but its stamp (when it was produced; who published it,
    when, which version): the same for two packs that print the same, whenever they are made."""
    printed = _html({**context, "published": None}, produced=None) + _stylesheet()
    return hashlib.sha256(printed.encode()).hexdigest()


def _html(context: dict, produced: datetime.datetime | None) -> str:
    """The pack's HTML, stamped with `produced` unless it is None."""
    # Every quarter's approval state, in words: approved, or how far its return has got.
    states = [
        (p, None if PUBLIC.shows(p) else display.in_progress_status(p.return_state))
        for p in context["year"]
    ]
    return render_to_string(
        "packs/pack_pdf.html", {**context, "produced": produced, "quarter_states": states}
    )


def _stylesheet() -> str:
    return Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")


def live_pdf(contract, period, render: Callable[[], bytes]) -> bytes:
    """The live pack's PDF for `period`: `render()`'s bytes, kept under the contract's data version
    (read with the contract, before anything the PDF prints), the day, whose date decides
    statuses such as "missing", and the release, whose code decides the rest."""
    made_by = f"{contract.data_version}:{timezone.localdate()}:{settings.RELEASE}"
    key = f"pack-pdf:{contract.pk}:{period.end_date}:{made_by}"
    content = _kept(key)
    if content is None:
        content = render()
        _keep(key, content)
    return content


# The cache only saves time: a directory that cannot be made, read or written (its permissions,
# a full disk) costs a render each time, never the download.


def _kept(key: str) -> bytes | None:
    try:
        return caches[CACHE].get(key)
    except OSError as error:
        logger.warning("A live pack's PDF could not be read from PACK_PDF_DIR: %s", error)
        return None


def _keep(key: str, content: bytes) -> None:
    try:
        caches[CACHE].set(key, content)
    except OSError as error:
        logger.warning("A live pack's PDF could not be kept in PACK_PDF_DIR: %s", error)


def filename(contract, period) -> str:
    return f"{contract.code}-committee-pack-{period.end_date}.pdf"
