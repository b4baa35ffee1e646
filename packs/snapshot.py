"""The data a pack is made from, as JSON: what the committee was shown, figure by figure.

Restatements compare these with the figures approved now, so a figure is kept both as a number
(to compare) and as printed (to show).
"""

from __future__ import annotations


def _figure(cell) -> str | None:
    if cell.reading is None or cell.reading.value is None:
        return None
    return str(cell.reading.value.normalize())


def _counts(counts) -> dict | None:
    if counts is None:
        return None
    return {"measured": counts.measured, "met": counts.met}


def snapshot(context: dict) -> dict:
    """From `kpis.reads.committee_pack.pack_context`: the quarters, every figure shown and the
    counts."""
    card = context["card"]
    figures = []
    for row in context["rows"]:
        for cell in row.cells:
            if cell.is_hidden:
                continue
            figures.append(
                {
                    "kpi_id": row.kpi.pk,
                    "reference": row.kpi.reference,
                    "period_id": cell.period.pk,
                    "end_date": cell.period.end_date.isoformat(),
                    "figure": _figure(cell),
                    "figure_text": cell.figure_text,
                    "status": cell.status,
                    "target": cell.target_text,
                    "commentary": cell.commentary,
                }
            )
    return {
        "contract": context["contract"].code,
        "quarter": context["period"].end_date.isoformat(),
        "quarters": [
            {
                "end_date": p.end_date.isoformat(),
                "label": p.label,
                "state": p.return_state or "",
                "source": p.backfill_note,
            }
            for p in context["year"]
        ],
        "figures": figures,
        "scorecard": {
            "areas": [
                {"code": r.area.code, "name": r.area.name, "cells": [_counts(c) for c in r.cells]}
                for r in card.rows
            ],
            "totals": [_counts(c) for c in card.period_totals],
            "total": _counts(card.total),
        },
    }
