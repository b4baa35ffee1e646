"""Filters for the KPI performance table: service area, frequency, status and quarters shown,
and whether monthly KPIs' months are shown beneath their quarters."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import reduce
from operator import or_
from typing import cast

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from contracts.models import Contract
from kpis.choices import Frequency
from kpis.models import Kpi, Reading, ReportingPeriod
from kpis.models.kpi import in_force_q
from kpis.models.period import financial_year_label
from kpis.permissions.sight import PUBLIC, Sight
from kpis.reads import year as years
from kpis.rules.quarters import periods_recent_first
from kpis.rules.status import Status


def default_quarters(
    periods: Sequence[ReportingPeriod], financial_year: int | None = None
) -> list[ReportingPeriod]:
    """The approved quarters of a financial year, oldest first: the year chosen, else the latest
    with an approved quarter. A quarter in progress (a return started by mistake for a future
    quarter among them) is shown only when chosen, so that no draft changes what a reader sees
    first. A year with nothing approved yet shows its quarters, in progress."""
    if financial_year is None:
        financial_year = years.default_year(periods)
    held = years.quarters_of(periods, financial_year) if financial_year is not None else []
    return [p for p in held if PUBLIC.shows(p)] or held


def _choices(periods: Sequence[ReportingPeriod], today: datetime.date) -> list[tuple[str, str]]:
    # Offered the latest ended quarter first; the table still shows them oldest first. A quarter
    # not yet approved says so: it is shown only when chosen, as in progress.
    return [
        (p.end_date.isoformat(), p.label if PUBLIC.shows(p) else f"{p.label} (in progress)")
        for p in periods_recent_first(periods, today)
    ]


def _year_choices(periods: Sequence[ReportingPeriod]) -> list[tuple[str, str]]:
    # Every financial year held, the latest first; one with no approved quarter says so.
    approved = {p.financial_year for p in periods if PUBLIC.shows(p)}
    return [
        (str(y), financial_year_label(y) + ("" if y in approved else " (in progress)"))
        for y in years.years_held(periods)
    ]


def _chosen_year(form: forms.Form) -> int | None:
    form.errors  # noqa: B018 (validates, so that cleaned_data holds the valid fields)
    chosen = form.cleaned_data.get("year")
    return int(chosen) if chosen else None


def _picked(form: forms.Form, periods: Sequence[ReportingPeriod]) -> list[ReportingPeriod]:
    form.errors  # noqa: B018 (validates, so that cleaned_data holds the valid fields)
    chosen = set(form.cleaned_data.get("quarter") or [])
    picked = [p for p in periods if p.end_date.isoformat() in chosen]
    return picked or default_quarters(periods, _chosen_year(form))


def _year_shown(
    form: forms.Form, periods: Sequence[ReportingPeriod], shown: Sequence[ReportingPeriod]
) -> years.Year | None:
    """The financial year whose year to date stands beside the quarters: the one chosen, else
    that of the latest approved quarter shown (so that a quarter in progress, chosen beside
    them, does not move it), else the default."""
    chosen = _chosen_year(form) if form.is_bound else None
    if chosen is None:
        approved = [p.financial_year for p in shown if PUBLIC.shows(p)]
        chosen = max(approved, default=None) or years.default_year(periods)
    return None if chosen is None else years.year_of(periods, chosen)


class YearField(forms.ChoiceField):
    """The financial year shown: a GOV.UK select offering every year the contract holds."""

    def __init__(self, *, choices=(), **kwargs) -> None:
        kwargs["label"] = "Financial year"
        kwargs["required"] = False
        kwargs["error_messages"] = {
            "invalid_choice": "Choose a financial year from the list: %(value)s is not one."
        }
        # django-filter offers its own blank choice; the select offers the years held only.
        kwargs.pop("empty_label", None)
        kwargs.pop("null_label", None)
        super().__init__(choices=choices, **kwargs)


class YearFilter(django_filters.ChoiceFilter):
    field_class = YearField


class QuarterForm(forms.Form):
    """Which quarters the scorecard shows."""

    year = YearField()
    quarter = forms.MultipleChoiceField(
        label="Quarters shown",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose quarters from the list: %(value)s is not one."},
    )

    def __init__(
        self, data=None, *, periods: Sequence[ReportingPeriod], today: datetime.date
    ) -> None:
        super().__init__(data)
        self.periods = list(periods)
        cast(YearField, self.fields["year"]).choices = _year_choices(self.periods)
        self.fields["quarter"].choices = _choices(self.periods, today)

    @property
    def shown_periods(self) -> list[ReportingPeriod]:
        if not self.is_bound:
            return default_quarters(self.periods)
        return _picked(self, self.periods)

    @property
    def year_shown(self) -> years.Year | None:
        return _year_shown(self, self.periods, self.shown_periods)


class TickBox(forms.BooleanField):
    """A tick box that, left unticked, is left out of the page's key (`page_cache.form_query`):
    the table without it is the table as it always was, under the same entry."""

    widget = forms.CheckboxInput

    def prepare_value(self, value) -> str:
        return "1" if value else ""


class TickFilter(django_filters.Filter):
    field_class = TickBox


class KpiFilter(django_filters.FilterSet):
    service_area = django_filters.ModelChoiceFilter(
        label="Service area",
        queryset=None,
        to_field_name="code",
        empty_label="All service areas",
    )
    frequency = django_filters.ChoiceFilter(
        label="Frequency", choices=Frequency.choices, empty_label="Any frequency"
    )
    status = django_filters.ChoiceFilter(
        label="Status in a quarter shown",
        choices=Status.choices,
        empty_label="Any status",
        method="filter_status",
    )
    year = YearFilter(method="filter_nothing")
    quarter = django_filters.MultipleChoiceFilter(
        label="Quarters shown",
        choices=[],
        method="filter_nothing",
        widget=forms.CheckboxSelectMultiple,
    )
    # On request only: three more lines in every monthly KPI's cells.
    months = TickFilter(
        label="Show months",
        help_text="Each monthly KPI's three months beneath its quarter's figure",
        method="filter_nothing",
    )

    class Meta:
        model = Kpi
        fields = ["service_area", "frequency", "status", "year", "quarter", "months"]

    def __init__(
        self,
        data=None,
        *,
        contract: Contract,
        periods: Sequence[ReportingPeriod],
        today: datetime.date,
        sight: Sight,
        **kwargs,
    ) -> None:
        self.periods = list(periods)
        self.today = today
        self.sight = sight
        queryset = Kpi.objects.for_contract(contract).in_report_order()
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["service_area"].queryset = contract.service_areas.all()
        self.filters["year"].extra["choices"] = _year_choices(self.periods)
        self.filters["quarter"].extra["choices"] = _choices(self.periods, today)

    @property
    def shown_periods(self) -> list[ReportingPeriod]:
        """The quarters ticked; when none are (or the choice is invalid), the approved quarters
        of the year chosen, or of the latest year with one."""
        return _picked(self.form, self.periods) if self.is_bound else default_quarters(self.periods)

    @property
    def year_shown(self) -> years.Year | None:
        """The financial year whose year to date the table shows beside its quarters."""
        return _year_shown(self.form, self.periods, self.shown_periods)

    @property
    def shows_months(self) -> bool:
        """Whether the months beneath each monthly KPI's quarters are asked for: off unless
        ticked."""
        if not self.is_bound:
            return False
        self.form.errors  # noqa: B018 (validates, so that cleaned_data holds the valid fields)
        return bool(self.form.cleaned_data.get("months"))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == Status.NOT_IN_FORCE:
            # A KPI's life span is its definition, not a figure: any quarter shown will do,
            # whether or not a reading is held for it.
            outside = [~in_force_q(p.end_date) for p in self.shown_periods]
            return queryset.filter(reduce(or_, outside, Q(pk__in=[])))
        # Only quarters whose figures the reader sees: a status must not leak a hidden figure.
        readable = self.sight.shown(self.shown_periods)
        matching = (
            Reading.objects.filter(kpi=OuterRef("pk"), period__in=[p.pk for p in readable])
            .with_status(self.today)
            .filter(status=value)
        )
        return queryset.filter(Exists(matching))

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # The quarters choose the table's columns, and the months what its cells hold: neither
        # chooses its rows.
        return queryset
