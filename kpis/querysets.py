"""QuerySets for readings, with the status rules stated in SQL so that the database can count.

`status_expression` must agree with `kpis.status.evaluate`; tests/kpis/test_status_sql.py
checks the two against each other on generated data.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from kpis.choices import Direction, Frequency
from kpis.status import Status

_TARGET = Coalesce(F("target_override"), F("kpi__target"))
_HIGHER = Q(kpi__direction=Direction.HIGHER)
_LOWER = Q(kpi__direction=Direction.LOWER)


def _status(value: Status) -> Value:
    return Value(value.value, output_field=CharField())


def _figure_status() -> Case:
    strict = Q(kpi__target_strict=True)
    meets = (_HIGHER & ((strict & Q(value__gt=_TARGET)) | (~strict & Q(value__gte=_TARGET)))) | (
        _LOWER & ((strict & Q(value__lt=_TARGET)) | (~strict & Q(value__lte=_TARGET)))
    )
    # A comparison with a threshold that is not set is never true, as in Python.
    reaches_failure = (_HIGHER & Q(value__lte=F("kpi__failure"))) | (
        _LOWER & Q(value__gte=F("kpi__failure"))
    )
    reaches_detriment = (_HIGHER & Q(value__lte=F("kpi__detriment"))) | (
        _LOWER & Q(value__gte=F("kpi__detriment"))
    )
    not_comparable = (~Q(unit="") & ~Q(unit=F("kpi__unit"))) | Q(
        target_override__isnull=True, kpi__target__isnull=True
    )
    return Case(
        When(not_comparable, then=_status(Status.NOT_MEASURED)),
        When(meets, then=_status(Status.MET)),
        When(reaches_failure, then=_status(Status.FAILURE)),
        When(reaches_detriment, then=_status(Status.DETRIMENT)),
        default=_status(Status.BELOW_TARGET),
        output_field=CharField(),
    )


def _unsuspended_status(today: datetime.date) -> Case:
    due = Q(kpi__frequency__in=[Frequency.MONTHLY, Frequency.QUARTERLY]) | Q(period__quarter=4)
    over = Q(period__end_date__lt=today)
    no_figure = Q(value__isnull=True)
    return Case(
        When(no_figure & ~Q(not_measured_reason=""), then=_status(Status.NOT_MEASURED)),
        When(no_figure & due & over, then=_status(Status.MISSING)),
        When(no_figure, then=_status(Status.NOT_DUE)),
        default=_figure_status(),
        output_field=CharField(),
    )


def suspended_expression() -> Exists:
    Suspension = apps.get_model("kpis", "Suspension")
    end = OuterRef("period__end_date")
    return Exists(
        Suspension.objects.filter(kpi=OuterRef("kpi"), first_quarter__lte=end).filter(
            Q(last_quarter__isnull=True) | Q(last_quarter__gte=end)
        )
    )


class ReadingQuerySet(models.QuerySet):
    def for_contract(self, contract) -> ReadingQuerySet:
        return self.filter(kpi__contract=contract)

    def with_status(self, today: datetime.date | None = None) -> ReadingQuerySet:
        """Annotate `status`, and `would_have_been` for suspended readings."""
        today = today or timezone.localdate()
        unsuspended = _unsuspended_status(today)
        return self.alias(is_suspended=suspended_expression()).annotate(
            status=Case(
                When(is_suspended=True, then=_status(Status.SUSPENDED)),
                default=unsuspended,
                output_field=CharField(),
            ),
            would_have_been=Case(
                When(is_suspended=True, then=unsuspended),
                default=Value(None, output_field=CharField()),
                output_field=CharField(),
            ),
        )

    def with_target(self) -> ReadingQuerySet:
        return self.annotate(target_in_force=_TARGET)
