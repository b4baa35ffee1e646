"""The regime as rows: what the API serves and the open-data files publish, from one place.

Both carry approved quarters only, as `regime.ledger` works them out. The open-data headers are a
published interface: add columns only at the end, never rename or reorder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from contracts.models import Contract
from kpis.reads.exports import safe_text
from kpis.reads.open_data import csv_lines
from kpis.rules.numbers import plain_number
from regime.ledger import Regime, regime_for

FAILURE_HEADER = [
    "contract",
    "kpi_reference",
    "quarter_end",
    "reason",
    "quarters",
    "weight",
    "relieved",
    "relief_reason",
    # The month's last day for a month's failure (credits by the month), empty for the quarter's.
    "month_end",
]
CREDIT_HEADER = [
    "contract",
    "quarter_end",
    "financial_year",
    "quarter",
    "service_failures",
    "relieved",
    "credit_due",
    "problem",
    "capped_by",
    "credit_applied",
    "due_but_not_applied",
    "persistent_failures",
]


def failure_rows(regime: Regime) -> list[dict]:
    return [
        {
            "contract": regime.contract.code,
            "kpi_reference": f.kpi.reference,
            "quarter_end": f.period.end_date,
            "reason": f.reason,
            "quarters": [p.end_date for p in f.periods],
            "weight": f.weight,
            "relieved": f.relief is not None,
            "relief_reason": f.relief.reason if f.relief else "",
            "month_end": f.month.month_end if f.month else None,
        }
        for f in regime.failures
    ]


def credit_rows(regime: Regime) -> list[dict]:
    return [
        {
            "contract": regime.contract.code,
            "quarter_end": q.period.end_date,
            "financial_year": q.period.financial_year,
            "quarter": q.period.quarter,
            "service_failures": len(q.failures),
            "relieved": len(q.failures) - q.unrelieved,
            "credit_due": q.due,
            "problem": q.credit.problem,
            "capped_by": q.credit.capped,
            "credit_applied": q.applied_amount,
            "due_but_not_applied": q.difference,
            "persistent_failures": [e.kpi.reference for e in q.escalations],
        }
        for q in regime.quarters
    ]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(_cell(v) for v in value)
    if hasattr(value, "normalize"):
        return plain_number(value)
    return safe_text(str(value))


def open_data_lines(kind: str, today: datetime.date) -> Iterator[str]:
    """Every contract's service failures (`kind` "failures") or credits ("credits") as CSV
    lines, one contract at a time so that memory stays flat."""
    header, rows = {
        "failures": (FAILURE_HEADER, failure_rows),
        "credits": (CREDIT_HEADER, credit_rows),
    }[kind]
    return csv_lines(
        header,
        (
            [_cell(row[name]) for name in header]
            for contract in Contract.objects.order_by("authority", "code")
            for row in rows(regime_for(contract, today))
        ),
    )
