"""A notice's draft, worked out from the approved figures: for each KPI rated, the quarters of
the period that are approved, the status of each, the rating they propose, and beside it what
else the product holds (relief granted, persistent failure, open rectification plans and open
questions). Nothing here writes: `notices.writes` saves a draft, the command prints one.

Quarters whose return is not approved are never read (the public sight of
`kpis.permissions.sight`, as packs and the API use); the draft names them as missing. A fixed
number of queries, whatever the number of KPIs or quarters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.models import Kpi, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads import contract_tables, display, together
from kpis.reads.grid import build_grid
from notices import rules
from notices.choices import Rating
from plans.models import Plan
from questions.models import Question
from regime import rules as regime_rules
from regime import tables as regime_tables


@dataclass
class QuarterRead:
    """One approved quarter of a KPI, as the draft shows it and the notice keeps it."""

    end_date: str
    label: str
    status: str
    figure: str
    relief: str = ""

    @property
    def status_label(self) -> str:
        return display.status_label(self.status)

    def as_dict(self) -> dict:
        return {
            "end_date": self.end_date,
            "label": self.label,
            "status": self.status,
            "figure": self.figure,
            "relief": self.relief,
        }


@dataclass
class Proposal:
    kpi: Kpi
    rating: Rating
    quarters: list[QuarterRead] = field(default_factory=list)
    persistent: bool = False
    open_plans: list[str] = field(default_factory=list)
    open_questions: int = 0

    @property
    def statuses(self) -> list[str]:
        return [q.status for q in self.quarters]

    def evidence(self) -> dict:
        """What the notice keeps beside the rating, and compares with after a restatement."""
        return {
            "quarters": [q.as_dict() for q in self.quarters],
            "persistent_failure": self.persistent,
            "open_plans": self.open_plans,
            "open_questions": self.open_questions,
        }


@dataclass
class Draft:
    contract: Contract
    start: datetime.date
    end: datetime.date
    quarter_ends: list[datetime.date]
    missing: list[datetime.date]
    proposals: list[Proposal]

    def as_json(self) -> dict:
        """The draft as the command prints it."""
        return {
            "contract": self.contract.code,
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "rule": rules.RULE_TEXT,
            "quarters_missing": [day.isoformat() for day in self.missing],
            "kpis": [
                {
                    "reference": p.kpi.reference,
                    "description": p.kpi.description,
                    "proposed_rating": p.rating.label,
                    "statuses": [
                        {"quarter": q.end_date, "status": q.status, "figure": q.figure}
                        for q in p.quarters
                    ],
                    "persistent_failure": p.persistent,
                    "relief": [q.relief for q in p.quarters if q.relief],
                }
                for p in self.proposals
            ],
        }


def rated_kpis(contract: Contract) -> QuerySet:
    """The KPIs a notice rates: the contract's published KPIs, or every KPI where none is
    marked."""
    kpis = Kpi.objects.for_contract(contract).in_report_order()
    published = kpis.filter(published=True)
    return published if published.exists() else kpis


def approved_quarter_ends(contract: Contract) -> list[datetime.date]:
    return list(
        ReportingPeriod.objects.filter(
            returns__contract=contract, returns__state=ReturnState.APPROVED
        )
        .order_by("end_date")
        .values_list("end_date", flat=True)
    )


def _persistent(quarters: list[tuple[ReportingPeriod, str]], failure_rules) -> bool:
    """Whether the regime finds the KPI a persistent failure at any quarter of the period."""
    judged = [
        regime_rules.Quarter(regime_rules.quarter_index(p.financial_year, p.quarter), status)
        for p, status in quarters
        if status in regime_rules.JUDGED
    ]
    failures = regime_rules.service_failures(judged, failure_rules)
    return bool(regime_rules.escalations(judged, failures, failure_rules))


def draft_for(
    contract: Contract,
    start: datetime.date,
    end: datetime.date,
    *,
    kpis: QuerySet | None = None,
    today: datetime.date | None = None,
) -> Draft:
    """The draft of a notice on `contract` for the quarters inside [start, end].

    The contract's quarters, the KPIs' suspensions and changes of rule, the regime's settings
    and reliefs are its small tables (`kpis.reads.together`): none read here where the page
    preloaded them."""
    quarter_ends = rules.quarter_ends_in(start, end)
    periods = [
        p
        # The contract's quarters, each with its return's state.
        for p in together.rows(contract, contract_tables.PERIODS)
        if p.end_date in quarter_ends and p.return_state == ReturnState.APPROVED
    ]
    approved = {p.end_date for p in periods}
    missing = [day for day in quarter_ends if day not in approved]
    if kpis is None:
        kpis = rated_kpis(contract)
    rows: list = (
        build_grid(kpis, periods, today, sight=PUBLIC, contract=contract) if periods else []
    )
    if not periods:
        rows = [_EmptyRow(kpi) for kpi in kpis.select_related("service_area", "unit")]
    kpi_ids = [row.kpi.pk for row in rows]
    small = together.tables_of(contract, (regime_tables.SETTINGS, regime_tables.RELIEFS))
    settings_rows = small[regime_tables.SETTINGS]
    failure_rules = settings_rows[0].rules if settings_rows else regime_rules.FailureRules()
    shown_kpis, shown_periods = set(kpi_ids), {p.pk for p in periods}
    reliefs = {
        (r.kpi_id, r.period_id): r.reason
        for r in small[regime_tables.RELIEFS]
        if r.kpi_id in shown_kpis and r.period_id in shown_periods
    }
    plans: dict[int, list[str]] = {}
    for plan in Plan.objects.filter(kpi__in=kpi_ids).still_open().order_by("pk"):
        plans.setdefault(plan.kpi_id, []).append(plan.title)
    questions: dict[int, int] = {}
    for kpi_id in (
        Question.objects.filter(kpi__in=kpi_ids).still_open().values_list("kpi_id", flat=True)
    ):
        questions[kpi_id] = questions.get(kpi_id, 0) + 1
    proposals = []
    for row in rows:
        read = [
            QuarterRead(
                end_date=cell.period.end_date.isoformat(),
                label=cell.period.label,
                status=cell.status,
                figure=cell.figure_text,
                relief=reliefs.get((row.kpi.pk, cell.period.pk), ""),
            )
            for cell in row.cells
        ]
        persistent = _persistent([(c.period, c.status) for c in row.cells], failure_rules)
        proposals.append(
            Proposal(
                kpi=row.kpi,
                rating=rules.propose_rating([q.status for q in read], persistent=persistent),
                quarters=read,
                persistent=persistent,
                open_plans=plans.get(row.kpi.pk, []),
                open_questions=questions.get(row.kpi.pk, 0),
            )
        )
    return Draft(contract, start, end, quarter_ends, missing, proposals)


@dataclass
class _EmptyRow:
    """A KPI with no approved quarter in the period: nothing to read, rated Other."""

    kpi: Kpi
    cells: list = field(default_factory=list)
