"""A contract's regime worked out from the database: its service failures, reliefs, credits due
and applied, and persistent failures, quarter by quarter and year by year.

Only approved quarters count (`kpis.permissions.sight.PUBLIC`), whoever asks: failures and credits
are what the committee is shown. The rules themselves are `regime.rules`; this module only fetches,
in a fixed number of queries however many KPIs and quarters there are. Where the contract counts
credits by the month, the approved quarters' months are read too (two queries more: the months,
and the KPIs' changes of rule that judge them), and judged here as the KPI page judges them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from contracts.models import Contract
from kpis.choices import Frequency
from kpis.models import Kpi, MonthlyFigure, Reading, ReportingPeriod
from kpis.permissions.sight import PUBLIC
from kpis.reads import contract_tables, together
from kpis.rules import rollup
from kpis.rules.status import Status
from regime import rules, tables
from regime.models import AppliedCredit, CreditScheme, Relief

DEFAULT_RULES = rules.FailureRules()


@dataclass
class FailureRow:
    kpi: Kpi
    period: ReportingPeriod
    reading: Reading
    reason: str  # "failure" or "detriment"
    periods: list[ReportingPeriod]
    weight: Decimal
    relief: Relief | None = None
    # The month at failure, for a month's service failure; None for the quarter's.
    month: MonthlyFigure | None = None

    @property
    def month_label(self) -> str:
        """The month as a person names it ("April 2024"), or '' for the quarter's failure."""
        return self.month.label if self.month else ""


@dataclass
class EscalationRow:
    kpi: Kpi
    period: ReportingPeriod
    kind: str  # "misses" or "failures"
    periods: list[ReportingPeriod]
    # Misses or service failures: more than the quarters where months failed.
    count: int
    # What answers it, such as the supplier's rectification plan (`regime.answers.attach`).
    answers: list = field(default_factory=list)

    @property
    def explanation(self) -> str:
        n = self.count
        if self.kind == "misses":
            return f"missed its target {n} quarters running"
        return f"{n} service failures within a year"


@dataclass
class QuarterRow:
    period: ReportingPeriod
    failures: list[FailureRow] = field(default_factory=list)
    reliefs: list[Relief] = field(default_factory=list)
    escalations: list[EscalationRow] = field(default_factory=list)
    credit: rules.QuarterCredit | None = None
    scheme: CreditScheme | None = None
    charge: Decimal | None = None
    applied: AppliedCredit | None = None

    @property
    def due(self) -> Decimal | None:
        return self.credit.due if self.credit else None

    @property
    def applied_amount(self) -> Decimal | None:
        return self.applied.amount if self.applied else None

    @property
    def difference(self) -> Decimal | None:
        """Credit due less credit applied: positive is credit not yet taken."""
        return _difference(self.due, self.applied_amount)

    @property
    def unrelieved(self) -> int:
        return sum(1 for f in self.failures if f.relief is None)

    @property
    def has_months(self) -> bool:
        """Whether a month's failure is among the quarter's, so that its rows say which month."""
        return any(f.month for f in self.failures)


@dataclass
class YearRow:
    financial_year: int
    quarters: list[QuarterRow]

    @property
    def label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    @property
    def failures(self) -> int:
        return sum(len(q.failures) for q in self.quarters)

    @property
    def relieved(self) -> int:
        return sum(len(q.failures) - q.unrelieved for q in self.quarters)

    @property
    def due(self) -> Decimal | None:
        return _total(q.due for q in self.quarters)

    @property
    def applied_amount(self) -> Decimal | None:
        applied = [q.applied_amount for q in self.quarters if q.applied is not None]
        return sum(applied, Decimal(0)) if applied else None

    @property
    def difference(self) -> Decimal | None:
        return _difference(self.due, self.applied_amount)


def _total(values) -> Decimal | None:
    total = Decimal(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _difference(due: Decimal | None, applied: Decimal | None) -> Decimal | None:
    if due is None:
        return None
    return due - (applied or Decimal(0))


@dataclass
class Regime:
    contract: Contract
    rules: rules.FailureRules
    quarters: list[QuarterRow]
    years: list[YearRow]
    schemes: list[CreditScheme]

    def quarter(self, end_date: datetime.date) -> QuarterRow | None:
        return next((q for q in self.quarters if q.period.end_date == end_date), None)

    def year(self, financial_year: int) -> YearRow | None:
        return next((y for y in self.years if y.financial_year == financial_year), None)

    @property
    def failures(self) -> list[FailureRow]:
        return [f for q in self.quarters for f in q.failures]

    @property
    def escalations(self) -> list[EscalationRow]:
        return [e for q in self.quarters for e in q.escalations]


def _index(period: ReportingPeriod) -> int:
    return rules.quarter_index(period.financial_year, period.quarter)


def _months_held(contract: Contract) -> dict[int, list[MonthlyFigure]]:
    """The months beneath the contract's approved quarters of monthly KPIs, by reading, in order:
    one query."""
    approved = (
        Reading.objects.for_contract(contract).public().filter(kpi__frequency=Frequency.MONTHLY)
    )
    held: dict[int, list[MonthlyFigure]] = defaultdict(list)
    for figure in MonthlyFigure.objects.filter(reading__in=approved.values("pk")).order_by(
        "reading_id", "month_end"
    ):
        held[figure.reading_id].append(figure)
    return held


class _Judged(NamedTuple):
    """One approved reading as the ledger reads it (`Reading.objects.judged_values`): a tuple's
    columns, with its KPI and quarter in hand, and the quarter's place in the rules' count
    (`rules.quarter_index`). A tuple, as a contract's pages judge two thousand of them."""

    pk: int
    kpi: Kpi
    period: ReportingPeriod
    place: int
    value: Decimal | None
    unit_id: str | None
    target_override: Decimal | None
    status: str

    def reading(self) -> Reading:
        """The reading as an instance, for a failure shown with its figure."""
        reading = Reading(
            pk=self.pk,
            kpi=self.kpi,
            period=self.period,
            value=self.value,
            unit_id=self.unit_id,
            target_override=self.target_override,
        )
        reading.status = self.status
        return reading


def _judged_months(judged: _Judged, figures: list[MonthlyFigure]) -> dict[int, MonthlyFigure]:
    """A quarter's months that count on their own, by their number in the quarter (1 to 3);
    none where its KPI or its own status says they may not (`rules.counts_months`)."""
    kpi = judged.kpi
    if not figures or not rules.counts_months(
        monthly=kpi.is_monthly, rollup=kpi.rollup_rule, status=judged.status
    ):
        return {}
    ends = rollup.quarter_months(judged.period.end_date)
    return {ends.index(f.month_end) + 1: f for f in figures if f.month_end in ends}


def _quarter(judged: _Judged, months: dict[int, MonthlyFigure]) -> rules.Quarter:
    """The quarter as the rules see it: its status, and its months' each judged by the rule in
    force for the quarter and suspended with it, as the KPI page shows them."""
    status = judged.status
    suspended = status == Status.SUSPENDED
    judged_months: tuple[rules.Month, ...] = ()
    if months:
        rule = judged.kpi.rule_for(judged.period.end_date, judged.target_override)
        judged_months = tuple(
            rules.Month(number, figure.evaluate(rule, suspended=suspended).status)
            for number, figure in sorted(months.items())
        )
    return rules.Quarter(judged.place, status, judged_months)


def _series(
    kpis: dict[int, Kpi], periods: dict[int, ReportingPeriod], today: datetime.date
) -> dict[int, list[_Judged]]:
    """The approved readings of each KPI with a status, oldest first, KPIs in order of id: one
    query, and no instance made of each reading."""
    found = Reading.objects.judged_values(kpi_ids=list(kpis), period_ids=list(periods), today=today)
    found.sort(key=lambda row: (row[1], periods[row[2]].end_date))
    places = {pk: _index(period) for pk, period in periods.items()}
    by_kpi: dict[int, list[_Judged]] = defaultdict(list)
    for pk, kpi_id, period_id, value, unit_id, target_override, status in found:
        period = periods[period_id]
        by_kpi[kpi_id].append(
            _Judged(
                pk,
                kpis[kpi_id],
                period,
                places[period_id],
                value,
                unit_id,
                target_override,
                status,
            )
        )
    return by_kpi


def regime_for(
    contract: Contract,
    today: datetime.date | None = None,
    *,
    periods: Sequence[ReportingPeriod] | None = None,
    kpis: Sequence[Kpi] | None = None,
) -> Regime:
    """The contract's regime over its approved quarters, oldest first. `periods` are the
    contract's quarters (`ReportingPeriod.objects.for_contract`) and `kpis` all its KPIs with
    their units, where the page holds them.

    Its small tables (`regime.tables`, the contract's quarters and the KPIs' changes of rule)
    are read together in one query, or come from the page's `kpis.reads.together.preload`."""
    today = today or timezone.localdate()
    names = [*tables.LEDGER, *contract_tables.GRID]
    if periods is None:
        names.append(contract_tables.PERIODS)
    small = together.tables_of(contract, names)
    if periods is None:
        periods = small[contract_tables.PERIODS]
    periods = PUBLIC.shown(periods)
    settings = next(iter(small[tables.SETTINGS]), None)
    failure_rules = settings.rules if settings else DEFAULT_RULES
    if kpis is None:
        kpis = list(Kpi.objects.for_contract(contract).select_related("unit"))
    held: dict[int, list[MonthlyFigure]] = {}
    if failure_rules.by_month:
        # A month is judged by its quarter's rule, which a later change of rule keeps.
        contract_tables.attach_to_kpis(contract, list(kpis), small=small)
        held = _months_held(contract)
    schemes = small[tables.SCHEMES]
    charges = {c.period_id: c.amount for c in small[tables.CHARGES]}
    applied = {a.period_id: a for a in small[tables.APPLIED]}
    reliefs = {(r.kpi_id, r.period_id): r for r in small[tables.RELIEFS]}
    weights = {w.kpi_id: w.weight for w in small[tables.WEIGHTS]}

    rows = {p.pk: QuarterRow(period=p) for p in periods}
    by_index = {_index(p): p for p in periods}
    by_pk = {k.pk: k for k in kpis}
    by_kpi = _series(by_pk, {p.pk: p for p in periods}, today)
    for kpi_id, series in by_kpi.items():
        kpi = by_pk[kpi_id]
        kpi.contract = contract  # for its address, without a query per KPI
        weight = weights.get(kpi_id, Decimal(1))
        at = {r.place: r for r in series}
        months = {r.pk: _judged_months(r, held.get(r.pk, [])) for r in series}
        quarters = [_quarter(r, months[r.pk]) for r in series]
        failures = rules.service_failures(quarters, failure_rules)
        for failure in failures:
            judged = at[failure.index]
            rows[judged.period.pk].failures.append(
                FailureRow(
                    kpi=kpi,
                    period=judged.period,
                    reading=judged.reading(),
                    reason=failure.reason,
                    periods=[by_index[i] for i in failure.quarters],
                    weight=weight,
                    relief=reliefs.get((kpi_id, judged.period.pk)),
                    month=months[judged.pk][failure.month] if failure.month else None,
                )
            )
        for escalation in rules.escalations(quarters, failures, failure_rules):
            period = by_index[escalation.index]
            rows[period.pk].escalations.append(
                EscalationRow(
                    kpi,
                    period,
                    escalation.kind,
                    [by_index[i] for i in escalation.quarters],
                    escalation.count,
                )
            )
    tables.attach_to_reliefs(
        contract, list(reliefs.values()), by_pk, periods, small[tables.RECORDERS]
    )
    for relief in reliefs.values():
        if relief.period_id in rows:
            rows[relief.period_id].reliefs.append(relief)

    quarter_rows = [rows[p.pk] for p in periods]
    for row in quarter_rows:
        row.scheme = next(
            (s for s in reversed(schemes) if s.effective_from <= row.period.end_date), None
        )
        row.charge = charges.get(row.period.pk)
        row.applied = applied.get(row.period.pk)
        # Each KPI's months beneath it, in order.
        row.failures.sort(key=lambda f: (f.kpi.position, f.kpi.pk, f.month is not None, _end(f)))
        row.reliefs.sort(key=lambda r: (r.kpi.position, r.kpi.pk))
        credited = [
            rules.Credited(f.weight, f.relief is not None, month=f.month is not None)
            for f in row.failures
        ]
        row.credit = rules.quarter_credit(
            _index(row.period), credited, row.scheme.scheme if row.scheme else None, row.charge
        )
    years: dict[int, list[QuarterRow]] = defaultdict(list)
    for row in quarter_rows:
        years[row.period.financial_year].append(row)
    for year_rows in years.values():
        rules.apply_year_cap([r.credit for r in year_rows])
    return Regime(
        contract=contract,
        rules=failure_rules,
        quarters=quarter_rows,
        years=[YearRow(y, q) for y, q in sorted(years.items())],
        schemes=schemes,
    )


def _end(failure: FailureRow) -> datetime.date:
    return failure.month.month_end if failure.month else failure.period.end_date
