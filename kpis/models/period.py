from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from contracts.querysets import VersionedQuerySet

QUARTER_END_MONTHS = {6: 1, 9: 2, 12: 3, 3: 4}


def quarter_end_for(day: datetime.date) -> datetime.date:
    """The last day of the financial quarter that contains `day`."""
    month = ((day.month - 1) // 3 + 1) * 3
    return datetime.date(day.year, month, calendar.monthrange(day.year, month)[1])


def is_quarter_end(day: datetime.date) -> bool:
    return day.month in QUARTER_END_MONTHS and day == quarter_end_for(day)


QUARTER_END_MESSAGE = "A quarter ends on 30 June, 30 September, 31 December or 31 March."


def backfill_note(source: str | None, page: str | None) -> str:
    """Where a back-filled quarter came from, in words; '' for a quarter entered as usual."""
    if not source:
        return ""
    return f"Back-filled from {source}, page {page}" if page else f"Back-filled from {source}"


def financial_year_label(year: int) -> str:
    """The financial year starting in `year` as councils write it: `2019/20`."""
    return f"{year}/{(year + 1) % 100:02d}"


class ReportingPeriodQuerySet(VersionedQuerySet):
    # A quarter's dates and labels are on every contract's pages.
    contract_path = None

    def for_contract(self, contract) -> ReportingPeriodQuerySet:
        """The quarters a contract has a return for, oldest first, with the return's state as
        `return_state` (which `kpis.permissions.sight.Sight` reads) and, for a back-filled quarter,
        its source (`backfill_note`)."""
        return (
            self.filter(returns__contract=contract)
            .annotate(
                return_state=F("returns__state"),
                backfill_source=F("returns__backfill_source"),
                backfill_page=F("returns__backfill_page"),
            )
            .order_by("end_date")
        )


class ReportingPeriodManager(models.Manager.from_queryset(ReportingPeriodQuerySet)):
    def get_by_natural_key(self, end_date: str) -> ReportingPeriod:
        return self.get(end_date=end_date)

    def for_date(self, day: datetime.date) -> ReportingPeriod:
        """The quarter containing `day`, created if it is not held yet."""
        end = quarter_end_for(day)
        period, _ = self.get_or_create(end_date=end, defaults=ReportingPeriod.fields_for(end))
        return period


class ReportingPeriod(models.Model):
    """A quarter of the UK financial year (April to March), known by its last day."""

    end_date = models.DateField(unique=True)
    start_date = models.DateField(editable=False)
    financial_year = models.PositiveSmallIntegerField(
        editable=False, help_text="The year the financial year starts in: 2018 for 2018/19."
    )
    quarter = models.PositiveSmallIntegerField(editable=False)

    objects = ReportingPeriodManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["end_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="period_ends_after_start",
                violation_error_message="A quarter must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="period_quarter_1_to_4",
                violation_error_message="The quarter must be 1, 2, 3 or 4.",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self) -> tuple[str]:
        return (self.end_date.isoformat(),)

    @staticmethod
    def fields_for(end_date: datetime.date) -> dict:
        quarter = QUARTER_END_MONTHS[end_date.month]
        start_month = end_date.month - 2
        return {
            "start_date": datetime.date(end_date.year, start_month, 1),
            "financial_year": end_date.year if quarter < 4 else end_date.year - 1,
            "quarter": quarter,
        }

    def clean(self) -> None:
        if self.end_date and not is_quarter_end(self.end_date):
            raise ValidationError({"end_date": QUARTER_END_MESSAGE})

    def save(self, *args, **kwargs) -> None:
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        if self.end_date and is_quarter_end(self.end_date):
            for name, value in self.fields_for(self.end_date).items():
                setattr(self, name, value)

    @property
    def label(self) -> str:
        """As the report prints a quarter: `Jun-18`."""
        return self.end_date.strftime("%b-%y")

    @property
    def year_label(self) -> str:
        """The financial year as councils write it: `2019/20`."""
        return financial_year_label(self.financial_year)

    @property
    def long_label(self) -> str:
        return f"{self.year_label} Q{self.quarter} (to {self.end_date:%-d %B %Y})"

    @property
    def is_year_end(self) -> bool:
        return self.quarter == 4

    @property
    def backfill_note(self) -> str:
        """For a quarter read through `for_contract`: where its back-filled figures came from."""
        return backfill_note(
            getattr(self, "backfill_source", ""), getattr(self, "backfill_page", "")
        )

    def is_over(self, today: datetime.date) -> bool:
        return self.end_date < today
