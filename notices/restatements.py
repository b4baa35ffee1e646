"""A published notice beside the figures approved now: the quarters whose status or figure has
changed since it was frozen (a restatement), KPI by KPI. The notice itself never changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kpis.reads import display
from notices.drafting import draft_for
from notices.models import PerformanceNotice


@dataclass(frozen=True)
class Restated:
    reference: str
    label: str
    was_status: str
    was_figure: str
    now_status: str
    now_figure: str

    @property
    def summary(self) -> str:
        was = f"{self.was_figure or 'no figure'} ({display.status_label(self.was_status).lower()})"
        now = f"{self.now_figure or 'no figure'} ({display.status_label(self.now_status).lower()})"
        return f"{self.reference}, {self.label}: published as {was}; now {now}."


def restated_since(notice: PerformanceNotice, today: datetime.date | None = None) -> list[Restated]:
    """The quarters of a published notice that read differently now."""
    frozen = notice.stored["ratings"]
    kpis = notice.contract.kpis.filter(pk__in=[r["kpi_id"] for r in frozen])
    now = draft_for(notice.contract, notice.period_start, notice.period_end, kpis=kpis, today=today)
    held = {(p.kpi.pk, q.end_date): q for p in now.proposals for q in p.quarters}
    found = []
    for rating in frozen:
        was_quarters = {q["end_date"]: q for q in rating["evidence"]["quarters"]}
        ends = sorted(set(was_quarters) | {e for k, e in held if k == rating["kpi_id"]})
        for end in ends:
            was = was_quarters.get(end)
            current = held.get((rating["kpi_id"], end))
            was_pair = (was["status"], was["figure"]) if was else ("not_started", "")
            now_pair = (current.status, current.figure) if current else ("in_progress", "")
            if was_pair != now_pair:
                label = (was or {}).get("label") or (current.label if current else end)
                found.append(
                    Restated(
                        reference=rating["reference"],
                        label=label,
                        was_status=was_pair[0],
                        was_figure=was_pair[1],
                        now_status=now_pair[0],
                        now_figure=now_pair[1],
                    )
                )
    return found
