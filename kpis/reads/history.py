"""A KPI's history of changes, from django-simple-history, as lines a person can read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from kpis.choices import ThresholdBasis
from kpis.models import Kpi, Reading
from kpis.reads import display

_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_SKIP = {"id", "updated_at", "version"}


@dataclass
class Change:
    when: object
    who: str
    what: str
    changes: list[str]
    # Why, where the change was given a reason (an import's, a rule change's).
    why: str = ""


def _describe(model, record, previous, kpi: Kpi) -> list[str]:
    if previous is None:
        return []
    delta = record.diff_against(previous, excluded_fields=list(_SKIP & _field_names(model)))
    lines = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        old = _written(field, change.old, previous, kpi)
        new = _written(field, change.new, record, kpi)
        lines.append(f"{field.verbose_name}: {old} → {new}")
    return lines


# Figures in the KPI's unit, as every page writes them: "95.8%", not "95.8000".
_FIGURES = {"value", "target", "target_override", "previous_target"}
_THRESHOLDS = {"detriment", "failure"}


def _written(field, value, record, kpi: Kpi) -> str:
    """A field's value as people write it: figures in the KPI's unit, choices by their label,
    yes and no, dates in words."""
    if value is None or value == "":
        return "(empty)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(field, models.DecimalField):
        return _figure(field.name, Decimal(value), record, kpi)
    if isinstance(field, models.DateTimeField):
        return f"{value:%-d %B %Y, %H:%M}"
    if isinstance(field, models.DateField):
        return f"{value:%-d %B %Y}"
    return str(value)


def _figure(name: str, value: Decimal, record, kpi: Kpi) -> str:
    # A figure reported in another unit than the KPI's is written as a plain number.
    in_kpi_unit = getattr(record, "unit_id", None) in (None, kpi.unit_id)
    absolute = getattr(record, "threshold_basis", ThresholdBasis.ABSOLUTE) == (
        ThresholdBasis.ABSOLUTE
    )
    if (name in _FIGURES and in_kpi_unit) or (name in _THRESHOLDS and absolute):
        return display.figure(value, kpi.unit)
    return display.number(value)


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
        lines = _describe(Kpi, record, previous, kpi)
        reason = record.history_change_reason or ""
        unchanged = previous is not None and not lines and not reason
        previous = record
        if record.history_type == "~" and unchanged:
            # Only what no page shows changed (a cached flag, a timestamp): nothing to say.
            continue
        what = f"{_ACTIONS.get(record.history_type, 'Changed')} the KPI"
        if lines:
            what += ": " + ", ".join(line.split(":")[0] for line in lines)
        changes.append(Change(record.history_date, _who(record), what, lines, reason))
    last: dict[int, object] = {}
    for record in reading_records:
        changes.append(
            Change(
                record.history_date,
                _who(record),
                f"{_ACTIONS.get(record.history_type, 'Changed')} the {record.period.label} reading",
                _describe(Reading, record, last.get(record.id), kpi),
                record.history_change_reason or "",
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
