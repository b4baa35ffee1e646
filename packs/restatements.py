"""Restatements: approved figures of a published quarter that differ now from what was published.

Each KPI's quarter is compared with the first published pack that printed it (what the committee
was first shown), and only while the quarter is approved now: a reopened quarter shows as in
progress, as everywhere else. A fixed number of queries, however many packs or figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kpis.models import QuarterlyReturn, Reading
from kpis.reads import display
from packs.models import PublishedPack
from packs.published import published_for


@dataclass
class Restatement:
    pack: PublishedPack
    reading: Reading
    was_figure: str
    was_status: str
    now_figure: str
    now_status: str
    changed_by: str = ""
    changed_at: datetime.datetime | None = None
    change_reason: str = ""
    reopen_reason: str = ""

    @property
    def kpi(self):
        return self.reading.kpi

    @property
    def period(self):
        return self.reading.period

    @property
    def summary(self) -> str:
        return (
            f"Published as {self.was_figure or 'no figure'} "
            f"({display.status_label(self.was_status).lower()}) in version {self.pack.version} "
            f"of the {self.pack.period.label} pack; now {self.now_figure or 'no figure'} "
            f"({display.status_label(self.now_status).lower()})."
        )


def _figure(value) -> str | None:
    return None if value is None else str(value.normalize())


def restatements_for(contract, today: datetime.date | None = None) -> list[Restatement]:
    today = today or timezone.localdate()
    packs = sorted(published_for(contract), key=lambda p: p.pk)
    if not packs:
        return []
    first: dict[tuple[int, int], tuple[PublishedPack, dict]] = {}
    for pack in packs:
        for figure in pack.data["figures"]:
            first.setdefault((figure["kpi_id"], figure["period_id"]), (pack, figure))
    readings = (
        Reading.objects.filter(kpi__contract=contract, period_id__in={k[1] for k in first})
        .public()
        .with_status(today)
        .select_related("kpi__contract", "kpi__unit", "period")
        .order_by("period__end_date", "kpi__service_area__position", "kpi__position", "kpi_id")
    )
    found = []
    for reading in readings:
        published = first.get((reading.kpi_id, reading.period_id))
        if published is None:
            continue
        pack, was = published
        if (_figure(reading.value), reading.status) == (was["figure"], was["status"]):
            continue
        now = display.figure(reading.value, reading.figure_unit)
        found.append(
            Restatement(pack, reading, was["figure_text"], was["status"], now, reading.status)
        )
    if not found:
        return found
    # Who changed each figure last, when and why, after it was published.
    records = (
        Reading.history.filter(id__in=[r.reading.pk for r in found])
        .select_related("history_user")
        .order_by("history_date")
    )
    last = {}
    for record in records:
        last[record.id] = record
    reasons = dict(
        QuarterlyReturn.objects.filter(
            contract=contract, period_id__in={r.reading.period_id for r in found}
        ).values_list("period_id", "reopen_reason")
    )
    for item in found:
        record = last.get(item.reading.pk)
        if record is not None and record.history_date > item.pack.published_at:
            user = record.history_user
            item.changed_by = (user.get_full_name() or user.get_username()) if user else ""
            item.changed_at = record.history_date
            item.change_reason = record.history_change_reason or ""
        item.reopen_reason = reasons.get(item.reading.period_id, "")
    return found
