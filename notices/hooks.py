"""What notices adds to other apps' pages, registered so that `kpis` never names this app: on the
scorecard, the contract's notices owed and a flag when it publishes fewer than three KPIs; on the
home page and "My returns", the notices due or overdue of the contracts listed there. Each panel
reads a fixed number of queries (none where no contract listed is under the Procurement Act).
"""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from kpis.pages import panels
from kpis.reads import work
from kpis.writes import data_version
from notices import due
from notices import work as notice_work
from notices.models import Breach, NoticeRating, PerformanceNotice


def _scorecard(request, *, contract, **context) -> str:
    owed = due.owed([contract], timezone.localdate())
    if not owed:
        return ""
    return render_to_string(
        "notices/_scorecard_notices.html",
        {"contract": contract, "owed": owed[0], "threshold": due.FEWEST_PUBLISHED_KPIS},
    )


def _listed(request, *, contracts, **context) -> str:
    """The notices due or overdue of `contracts`, and those publishing too few KPIs."""
    owed = due.owed(contracts, timezone.localdate())
    attention = [d for entry in owed for d in entry.attention]
    too_few = [entry.contract for entry in owed if entry.too_few_published]
    if not attention and not too_few:
        return ""
    return render_to_string(
        "notices/_due_notices.html",
        {"due": attention, "too_few": too_few, "threshold": due.FEWEST_PUBLISHED_KPIS},
    )


def _of_rating(row) -> Q:
    return Q(performance_notices=row.notice_id)


def register() -> None:
    data_version.watch(Breach, data_version.of_contract)
    data_version.watch(PerformanceNotice, data_version.of_contract)
    data_version.watch(NoticeRating, _of_rating)
    due.register()
    panels.register_panel("scorecard", _scorecard)
    panels.register_panel("home", _listed)
    panels.register_panel("my_returns", _listed)
    for source in (notice_work.notices_due,):
        work.register_source(source, notice_work.HEADINGS)
