"""The status rules stated in SQL, so that the database can count: the twin of
`kpis.rules.status`, used by the readings' QuerySet (`kpis.models.returns.ReadingQuerySet`).

`with_status` must agree with `kpis.rules.status.evaluate`; tests/kpis/test_status_sql.py
checks the two against each other on generated data.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar

from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce
from django.db.models.lookups import GreaterThan

from contracts.compiled import compiled, filled, prepared
from kpis.choices import Direction, Frequency, ThresholdBasis
from kpis.models.kpi import Kpi, in_force_q
from kpis.models.period import ReportingPeriod
from kpis.models.rule_change import RuleChange
from kpis.models.suspension import Suspension
from kpis.models.unit import Unit
from kpis.rules.status import Status

# The readings' own QuerySet, which stays itself through `alias` and `annotate`.
_Readings = TypeVar("_Readings", bound=QuerySet)

_HIGHER = Q(kpi__direction=Direction.HIGHER)
_LOWER = Q(kpi__direction=Direction.LOWER)


def _rule_field(name: str) -> Case:
    """One part of the rule that judges a reading's quarter (`Kpi.rule_for` in SQL).

    Most KPIs never change their rule, and the flag spares them the look-up; for the others the
    first change after the quarter holds the rule the quarter was judged by.
    """
    own = F(f"kpi__{name}")
    later = RuleChange.objects.filter(
        kpi=OuterRef("kpi"), effective_from__gt=OuterRef("period__end_date")
    ).order_by("effective_from")
    # The first change after the quarter only: PostgreSQL refuses a subquery of two rows.
    first = later[:1]
    in_force = Case(
        When(Exists(later), then=Subquery(first.values(f"previous_{name}"))),
        default=own,
    )
    return Case(When(kpi__rule_changed=True, then=in_force), default=own)


def _rule_aliases() -> dict:
    return {
        "rule_target": Coalesce(F("target_override"), _rule_field("target")),
        "rule_strict": _rule_field("target_strict"),
        "rule_detriment": _rule_field("detriment"),
        "rule_failure": _rule_field("failure"),
        "rule_basis": _rule_field("threshold_basis"),
    }


def _status(value: Status) -> Value:
    return Value(value.value)


class _Exact(Func):
    """Rounds away SQLite's floating-point noise (PostgreSQL's numeric is exact): both sides of
    a tolerance comparison are exact at 6 places, given figures of 4 and tolerances of 2."""

    template = "%(expressions)s"
    sqlite_template = "ROUND(%(expressions)s, 6)"

    def as_sqlite(self, compiler, connection):
        return super().as_sql(compiler, connection, template=self.sqlite_template)


def _reaches(threshold: str) -> Q:
    """`kpis.rules.status._reaches` in SQL: a threshold given as a figure is reached inclusively;
    one given as a tolerance is reached by missing the target by more than it."""
    target, value, allowed = F("rule_target"), F("value"), F(threshold)
    as_figure = (_HIGHER & Q(value__lte=allowed)) | (_LOWER & Q(value__gte=allowed))
    # shortfall > |target| x tolerance / 100, multiplied out so that nothing is divided.
    by_percent = Q(rule_basis=ThresholdBasis.PERCENT) & (
        (_HIGHER & _more_than((target - value) * 100, Abs(target) * allowed))
        | (_LOWER & _more_than((value - target) * 100, Abs(target) * allowed))
    )
    by_points = Q(rule_basis=ThresholdBasis.POINTS) & (
        (_HIGHER & _more_than(target - value, allowed))
        | (_LOWER & _more_than(value - target, allowed))
    )
    return (Q(rule_basis=ThresholdBasis.ABSOLUTE) & as_figure) | (
        Q(**{f"{threshold}__isnull": False}) & (by_percent | by_points)
    )


def _more_than(shortfall, tolerance) -> GreaterThan:
    return GreaterThan(_Exact(shortfall), _Exact(tolerance))


def _unsuspended_whens(today: datetime.date) -> list[When]:
    """The rules for a reading outside a suspension, in order, falling through to below target.

    One flat list rather than nested CASEs: SQLite refuses expressions nested too deeply, and
    the rule's aliases (`_rule_aliases`, set first by `with_status`) are deep already.
    """
    due = Q(kpi__frequency__in=[Frequency.MONTHLY, Frequency.QUARTERLY]) | Q(period__quarter=4)
    over = Q(period__end_date__lt=today)
    no_figure = Q(value__isnull=True)
    target = F("rule_target")
    strict = Q(rule_strict=True)
    meets = (_HIGHER & ((strict & Q(value__gt=target)) | (~strict & Q(value__gte=target)))) | (
        _LOWER & ((strict & Q(value__lt=target)) | (~strict & Q(value__lte=target)))
    )
    # No unit means the KPI's own (`Reading.unit_matches`).
    other_unit = Q(unit__isnull=False) & ~Q(unit=F("kpi__unit"))
    no_target = Q(rule_target__isnull=True) | Q(kpi__direction="")
    return [
        When(no_figure & ~Q(not_measured_reason=""), then=_status(Status.NOT_MEASURED)),
        When(no_figure & due & over, then=_status(Status.MISSING)),
        When(no_figure, then=_status(Status.NOT_DUE)),
        When(other_unit, then=_status(Status.NOT_MEASURED)),
        When(no_target, then=_status(Status.DATA_ONLY)),
        When(meets, then=_status(Status.MET)),
        # A comparison with a threshold that is not set is never true, as in Python.
        When(_reaches("rule_failure"), then=_status(Status.FAILURE)),
        When(_reaches("rule_detriment"), then=_status(Status.DETRIMENT)),
    ]


def suspended_expression() -> Exists:
    end = OuterRef("period__end_date")
    return Exists(
        Suspension.objects.filter(kpi=OuterRef("kpi"), first_quarter__lte=end).filter(
            Q(last_quarter__isnull=True) | Q(last_quarter__gte=end)
        )
    )


def with_status(readings: _Readings, today: datetime.date) -> _Readings:
    """`readings` annotated with `status`, and `would_have_been` for suspended readings."""
    whens = _unsuspended_whens(today)
    # The rule may already be annotated by `with_rule`, to be shown as well as used.
    rule = {k: v for k, v in _rule_aliases().items() if k not in readings.query.annotations}
    # Outside the KPI's life span nothing is judged, not even a suspension (as in Python).
    out_of_life = ~in_force_q(F("period__end_date"), prefix="kpi__")
    return readings.alias(**rule, is_suspended=suspended_expression()).annotate(
        status=Case(
            When(out_of_life, then=_status(Status.NOT_IN_FORCE)),
            When(is_suspended=True, then=_status(Status.SUSPENDED)),
            *whens,
            default=_status(Status.BELOW_TARGET),
        ),
        would_have_been=Case(
            # Left NULL for a reading that is not suspended, or not in force (a `When` without
            # `then`).
            When(out_of_life),
            When(is_suspended=False),
            *whens,
            default=_status(Status.BELOW_TARGET),
        ),
    )


def with_rule(readings: _Readings) -> _Readings:
    """`readings` annotated with the target and thresholds that judge each one's quarter."""
    return readings.annotate(**_rule_aliases())


_UNIT = "reported_unit_"


def _unit_fields() -> list[str]:
    return [f.attname for f in Unit._meta.concrete_fields]


# Stand-ins for the KPI and quarter ids (or the quarters' last days) in the compiled query below,
# found again by identity.
_KPI_IDS: list[int] = []
_QUARTERS: list = []
_CONTRACT_IDS: list[int] = []


def _asked(model: type[Model], by_end_date: bool) -> QuerySet:
    """The readings of the KPIs and quarters that `_KPI_IDS` and `_QUARTERS` stand for (the
    quarters by id, or `by_end_date` by their last day), as arrays, for a query compiled once."""
    table = model._meta.db_table
    periods = ReportingPeriod._meta.db_table
    quarters = f'"{periods}"."end_date"' if by_end_date else f'"{table}"."period_id"'
    return model._default_manager.extra(
        where=[
            f'"{table}"."kpi_id" = ANY(%s)',
            f"{quarters} = ANY(%s)",
            # The KPIs again on the KPI table the status joins (for its rule): told only of the
            # readings' KPIs, PostgreSQL hashed every KPI of every contract to join the few
            # asked for, 18 ms against 2 ms at a million readings.
            f'"{Kpi._meta.db_table}"."id" = ANY(%s)',
        ],
        params=[_KPI_IDS, _QUARTERS, _KPI_IDS],
    )


@lru_cache(maxsize=8)
def _compiled_status_query(
    model: type[Model], today: datetime.date, by_end_date: bool
) -> tuple[str, tuple]:
    """The SQL of `with_status` for any KPIs and quarters (named by id, or `by_end_date` by
    their last day), compiled once a day per process, and where its KPIs and quarters go.

    Building and compiling the status expression took longer than PostgreSQL takes to run it
    (about 20 ms a request on the KPI table, see docs/performance.md), and it only changes with the
    day. The ids go in as arrays, so the text stays the same whatever is asked for.
    """
    query = with_status(_asked(model, by_end_date), today)
    query = (
        query
        # The unit a figure was reported in, as select_related would read it (raw SQL cannot).
        .annotate(**{f"{_UNIT}{name}": F(f"unit__{name}") for name in _unit_fields()})
        .annotate(period_end=F("period__end_date"))
        .order_by()
    )
    return compiled(query)


def compiled_readings_with_status(
    model: type[Model],
    kpi_ids: Sequence[int],
    quarters: Sequence,
    today: datetime.date,
    *,
    by_end_date: bool = False,
) -> list:
    """`with_status` for these KPIs and quarters (ids, or `by_end_date` their last days), from
    SQL compiled once a day per process; each reading also holds its quarter's last day as
    `period_end`."""
    if not kpi_ids or not quarters:
        return []
    sql, template = _compiled_status_query(model, today, by_end_date)
    params = filled(template, {id(_KPI_IDS): kpi_ids, id(_QUARTERS): quarters})
    using = model._default_manager.db
    readings: list = list(model._default_manager.raw(*prepared(sql, params, using), using=using))
    names = _unit_fields()
    # One instance of each unit for all the readings in it: a contract's two thousand readings
    # are in a handful of units.
    units: dict[int, Unit] = {}
    for reading in readings:
        if reading.unit_id is None:
            continue
        if reading.unit_id not in units:
            values = [getattr(reading, f"{_UNIT}{name}") for name in names]
            units[reading.unit_id] = Unit.from_db(reading._state.db, names, values)
        reading.unit = units[reading.unit_id]
    return readings


@lru_cache(maxsize=4)
def _compiled_count_query(model: type[Model], today: datetime.date) -> tuple[str, tuple]:
    """The SQL counting readings by contract, quarter and status, for any contracts and
    quarters, compiled once a day per process (as `_compiled_status_query`)."""
    table = model._meta.db_table
    query = (
        with_status(
            model._default_manager.extra(
                where=[
                    f'"{Kpi._meta.db_table}"."contract_id" = ANY(%s)',
                    f'"{table}"."period_id" = ANY(%s)',
                ],
                params=[_CONTRACT_IDS, _QUARTERS],
            ),
            today,
        )
        .values("kpi__contract_id", "period_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return compiled(query)


def compiled_status_counts(
    model: type[Model], contract_ids: Sequence[int], period_ids: Sequence[int], today: datetime.date
) -> list[tuple[int, int, str, int]]:
    """(contract id, period id, status, readings) for every pair of these contracts and quarters,
    from SQL compiled once a day per process."""
    sql, template = _compiled_count_query(model, today)
    params = filled(template, {id(_CONTRACT_IDS): contract_ids, id(_QUARTERS): period_ids})
    using = model._default_manager.db
    with connections[using].cursor() as cursor:
        cursor.execute(*prepared(sql, params, using))
        return cursor.fetchall()


# What `judged_values` gives of each reading, in order: as few columns as a page that only counts
# statuses needs (the regime's ledger), so that no model instance is made for each reading.
JUDGED_VALUES = ("pk", "kpi_id", "period_id", "value", "unit_id", "target_override", "status")


@lru_cache(maxsize=4)
def _compiled_values_query(model: type[Model], today: datetime.date) -> tuple[str, tuple]:
    """The SQL of `with_status` giving `JUDGED_VALUES` for any KPIs and quarters, compiled once
    a day per process, as `_compiled_status_query` is and for the same reason."""
    query = with_status(_asked(model, by_end_date=False), today).order_by()
    return compiled(query.values_list(*JUDGED_VALUES))


def compiled_values_with_status(
    model: type[Model], kpi_ids: Sequence[int], period_ids: Sequence[int], today: datetime.date
) -> list[tuple]:
    """`JUDGED_VALUES` of these KPIs' readings in these quarters, from SQL compiled once a day
    per process (PostgreSQL only: the ids go in as arrays)."""
    if not kpi_ids or not period_ids:
        return []
    sql, template = _compiled_values_query(model, today)
    params = filled(template, {id(_KPI_IDS): kpi_ids, id(_QUARTERS): period_ids})
    using = model._default_manager.db
    with connections[using].cursor() as cursor:
        cursor.execute(*prepared(sql, params, using))
        return cursor.fetchall()
