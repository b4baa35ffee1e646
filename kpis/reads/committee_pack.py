"""What a committee pack shows for a contract and quarter: the page (kpis.pages.pack), its PDF
and a published pack (the packs app) all print this one context."""

from __future__ import annotations

import datetime

from django.http import Http404

from contracts.models import Contract
from kpis.models import Kpi, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads import contract_tables, display, marks
from kpis.reads.grid import build_grid
from kpis.reads.reported import compare
from kpis.reads.scorecard import scorecard
from kpis.reads.sparkline import sparkline
from kpis.reads.summary import summarise_judged
from kpis.reads.year import year_of
from kpis.rules.status import Status

# What the exceptions section leaves out: the plain hits, quarters a KPI was not due, figures
# with no target to miss, and quarters outside a KPI's life span.
_NOT_EXCEPTIONS = {Status.MET, Status.NOT_DUE, Status.DATA_ONLY, Status.NOT_IN_FORCE}


def pack_quarter(contract: Contract, quarter: str) -> tuple[ReportingPeriod, list]:
    """The quarter ending `quarter` (YYYY-MM-DD) and all the contract's quarters, or 404."""
    try:
        end_date = datetime.date.fromisoformat(quarter)
    except ValueError:
        raise Http404("No such quarter.") from None
    periods = contract_tables.periods(contract)
    period = next((p for p in periods if p.end_date == end_date), None)
    if period is None:
        raise Http404("This contract has no return for that quarter.")
    return period, periods


def pack_context(
    contract: Contract, quarter: str, today: datetime.date, *, found: tuple | None = None
) -> dict:
    """What a pack shows for the quarter ending `quarter` (YYYY-MM-DD), or 404; `found` is
    `pack_quarter`'s answer where the caller has it already.

    The page and its PDF (the `packs` app) print the same context.
    """
    period, periods = found or pack_quarter(contract, quarter)
    end_date = period.end_date
    # The financial year to date, as the report's Appendix B prints it.
    year = [
        p for p in periods if p.financial_year == period.financial_year and p.end_date <= end_date
    ]
    # A pack is what the committee is shown: approved quarters only, whoever prints it.
    rows = build_grid(
        Kpi.objects.for_contract(contract).in_report_order(),
        year,
        today,
        sight=PUBLIC,
        # The contract's quarters, so that Q1 compares with the year before's Q4.
        held_periods=periods,
        contract=contract,
    )
    marks.mark_rows(rows, contract)
    for row in rows:
        row.say_notes_once()
    approved = PUBLIC.shows(period)
    # Each with its trend over the year so far, to say at a glance whether it is a one-off.
    exceptions = [
        (row.kpi, row.cells[-1], sparkline(row.cells))
        for row in rows
        if approved and row.cells[-1].status not in _NOT_EXCEPTIONS
    ]
    # The approved quarters' readings, as the grid holds them (a cell holds a reading only where
    # the quarter is shown), and their counts, for the table and the supplier's published counts.
    judged = [c.reading for row in rows for c in row.cells if c.reading is not None]
    counts = summarise_judged(judged)
    return {
        "contract": contract,
        "period": period,
        "periods": periods,
        "year": year,
        "rows": rows,
        # Table 4.3's shape: quarters across, service areas down, and the year to date beside.
        "card": scorecard(
            contract,
            year,
            today,
            sight=PUBLIC,
            year=year_of(periods, period.financial_year, up_to=period),
            counts=counts,
        ),
        "approved": approved,
        "progress": display.in_progress_status(period.return_state),
        "exceptions": exceptions,
        "with_thresholds": any(r.kpi.has_thresholds for r in rows),
        "sources": display.sources(year, PUBLIC),
        "gaps": display.gaps(year, periods),
        "differences": [
            c
            for c in compare(
                contract, today, readable=PUBLIC.shown(year), counts=counts, judged=judged
            )
            if c.differs and c.period.pk in {p.pk for p in year}
        ],
    }
