"""A KPI's history of changes, from django-simple-history, as lines a person can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kpis.models import Kpi, Reading

_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP = {"id", "updated_at", "version"}


@dataclass
class Change:
    when: object
    who: str
    what: str
    changes: list[str]


def _describe(model, record, previous) -> list[str]:
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=list(_SKIP & _field_names(model)))
    lines = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old = "(empty)" if change.old in (None, "") else change.old
        new = "(empty)" if change.new in (None, "") else change.new
        lines.append(f"{field.verbose_name}: {old} → {new}")
    return lines


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def kpi_history(kpi: Kpi, periods: Iterable) -> list[Change]:
    """Changes to the KPI and to its readings in `periods` (the quarters whose figures the reader
    may see), newest first, in two queries."""
    kpi_records = list(kpi.history.select_related("history_user").order_by("history_date"))
    reading_records = list(
        Reading.history.filter(kpi_id=kpi.pk, period_id__in=[p.pk for p in periods])
        .select_related("history_user", "period")
        .order_by("history_date")
    )
    changes: list[Change] = []
    previous = None
    for record in kpi_records:
        changes.append(
            Change(
                record.history_date,
                _who(record),
                f"{_ACTIONS.get(record.history_type, 'Changed')} the KPI",
                _describe(Kpi, record, previous),
            )
        )
        previous = record
    last: dict[int, object] = {}
    for record in reading_records:
        changes.append(
            Change(
                record.history_date,
                _who(record),
                f"{_ACTIONS.get(record.history_type, 'Changed')} the {record.period.label} reading",
                _describe(Reading, record, last.get(record.id)),
            )
        )
        last[record.id] = record
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "Data load"
    return user.get_full_name() or user.get_username()
