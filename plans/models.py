"""Rectification plans: what a supplier is asked to do after a KPI fails, with the actions that
make it up, and the contract's setting for when a plan is due.

Every row is shown on its contract's pages (the plans, the KPI page, the scorecard, the pack), so
each default manager moves the contract's data version on (`contracts.querysets.VersionedQuerySet`,
and `plans.hooks` watches them); every change is kept by simple-history with who, when and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.limits import LONG_TEXT_LENGTH, REASON_LENGTH, kept_to
from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from kpis.models import Kpi, QuarterlyReturn, ReportingPeriod
from kpis.models.kpi import KpiRowQuerySet
from kpis.permissions import NO_RETURN, STATES
from plans import rules
from plans.choices import ActionState, PlanState, Side, Trigger

DEFAULT_WORKING_DAYS = 10


class PlanSettings(models.Model):
    """How long a contract gives its supplier to deliver a rectification plan. A contract with
    no settings row gives `DEFAULT_WORKING_DAYS`."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="plan_settings"
    )
    working_days = models.PositiveSmallIntegerField(
        default=DEFAULT_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Working days after a failure is notified by which the supplier's "
        "rectification plan is due (1 to 100). Weekends and England and Wales bank holidays "
        "do not count.",
    )

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "plan settings"
        verbose_name_plural = "plan settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=100),
                name="plan_working_days_1_to_100",
                violation_error_message="Give between 1 and 100 working days.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} plan settings"


def working_days_for(contract: Contract) -> int:
    found = PlanSettings.objects.filter(contract=contract).values_list("working_days", flat=True)
    return next(iter(found), DEFAULT_WORKING_DAYS)


class PlanQuerySet(KpiRowQuerySet):
    def for_contract(self, contract: Contract) -> PlanQuerySet:
        return self.filter(kpi__contract=contract)

    def still_open(self) -> PlanQuerySet:
        return self.filter(state__in=rules.OPEN_STATES)

    def readable_in(self, states: Iterable[str]) -> PlanQuerySet:
        """Plans whose every quarter is one whose figures a reader in `states` sees (as
        `kpis.permissions.sight.Sight.readable` gives them): a plan says what went wrong in its
        quarters, so it is shown only where their figures are."""
        states = frozenset(states)
        if states >= frozenset(STATES):
            return self
        in_span = QuarterlyReturn.objects.filter(
            contract=OuterRef("kpi__contract"),
            period__end_date__gte=OuterRef("first_quarter__end_date"),
            period__end_date__lte=OuterRef("last_quarter__end_date"),
        )
        shown = states - {NO_RETURN}
        return self.filter(
            ~Exists(in_span.exclude(state__in=shown)),
            Exists(in_span.filter(period=OuterRef("first_quarter"))),
            Exists(in_span.filter(period=OuterRef("last_quarter"))),
        )

    def with_progress(self, today: datetime.date) -> PlanQuerySet:
        """Each plan with its actions counted (`actions_total`, `actions_done`, and
        `actions_late`, those not done and past their date), its KPI and quarters: one query."""
        actions = PlanAction.objects.filter(plan=OuterRef("pk")).order_by().values("plan")

        def counted(condition: Q) -> Coalesce:
            found = actions.filter(condition).annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(found), 0)

        return self.select_related("kpi__contract", "first_quarter", "last_quarter").annotate(
            actions_total=counted(Q()),
            actions_done=counted(Q(state=ActionState.DONE)),
            actions_late=counted(~Q(state=ActionState.DONE) & Q(due_on__lt=today)),
        )

    def in_order(self) -> PlanQuerySet:
        """Open plans first, then by KPI as the report prints them, newest first."""
        return self.annotate(
            closed=~Q(state__in=rules.OPEN_STATES),
        ).order_by(
            "closed",
            "kpi__service_area__position",
            "kpi__position",
            "kpi_id",
            "-first_quarter__end_date",
            "-pk",
        )


class Plan(models.Model):
    """A supplier's rectification plan for one KPI, answering one or more quarters in a row."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="rectification_plans")
    title = models.CharField(max_length=200, help_text="What the plan is to put right, in a line.")
    trigger = models.CharField(
        "what it answers", max_length=20, choices=Trigger.choices, default=Trigger.FAILURE
    )
    first_quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    last_quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    notified_on = models.DateField(
        "failure notified on", help_text="The day the supplier was told of the failure."
    )
    due_on = models.DateField(
        "plan due on",
        help_text="The day the supplier's plan is due: the contract's working days after the "
        "failure was notified.",
    )
    root_cause = models.TextField(
        "supplier's root cause",
        blank=True,
        validators=[kept_to(LONG_TEXT_LENGTH, "root cause")],
    )
    state = models.CharField(max_length=20, choices=PlanState.choices, default=PlanState.REQUESTED)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    # Counted by `PlanQuerySet.with_progress`, and flagged for a day by `plans.reads`.
    actions_total: int
    actions_done: int
    actions_late: int
    overdue: bool
    late: int

    class Meta:
        verbose_name = "rectification plan"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="plan_has_a_title"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("notified_on")),
                name="plan_due_after_notice",
                violation_error_message="A plan cannot be due before the failure is notified.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in PlanState]), name="plan_state_known"
            ),
        ]
        indexes = [models.Index(fields=["kpi", "state"], name="plan_kpi_state")]

    def __str__(self) -> str:
        return f"{self.kpi.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.kpi.contract.code, self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in rules.OPEN_STATES

    @property
    def quarters_label(self) -> str:
        """The quarters it answers, as reports print them: "Mar-19" or "Sep-18 to Mar-19"."""
        if self.first_quarter_id == self.last_quarter_id:
            return self.first_quarter.label
        return f"{self.first_quarter.label} to {self.last_quarter.label}"

    def is_overdue(self, today: datetime.date) -> bool:
        return rules.plan_overdue(self.state, self.due_on, today)


class ActionQuerySet(VersionedQuerySet):
    contract_path = "plan__kpi__contract"


class PlanAction(models.Model):
    """One step of a plan, with the named person who owns it and the day it is due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(validators=[kept_to(REASON_LENGTH, "action")])
    owner = models.CharField(max_length=200, help_text="The named person who owns the action.")
    owner_side = models.CharField(
        "owner works for", max_length=10, choices=Side.choices, default=Side.SUPPLIER
    )
    due_on = models.DateField("due on")
    state = models.CharField(
        max_length=20, choices=ActionState.choices, default=ActionState.NOT_STARTED
    )
    progress = models.TextField(
        "latest progress", blank=True, validators=[kept_to(REASON_LENGTH, "progress")]
    )
    done_on = models.DateField("done on", null=True, blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    # Flagged for a day by `plans.reads.plan_page`.
    overdue: bool

    class Meta:
        verbose_name = "rectification plan action"
        ordering = ["plan", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="plan_action_described"),
            models.CheckConstraint(condition=~Q(owner=""), name="plan_action_has_an_owner"),
            models.CheckConstraint(
                condition=Q(state=ActionState.DONE, done_on__isnull=False)
                | (~Q(state=ActionState.DONE) & Q(done_on__isnull=True)),
                name="plan_action_done_on_when_done",
                violation_error_message="Give the day an action was done, and only then.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description[:60]} ({self.owner})"

    def is_overdue(self, today: datetime.date) -> bool:
        return rules.action_overdue(self.plan.state, self.state, self.due_on, today)
