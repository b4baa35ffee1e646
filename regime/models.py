"""A contract's performance regime: how it counts service failures, what credits they earn,
the reliefs a manager grants and the credits actually applied."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.limits import REASON_LENGTH, kept_to
from contracts.models import Contract
from contracts.querysets import VersionedQuerySet
from kpis.models import Kpi, ReportingPeriod
from kpis.models.kpi import KpiRowManager, KpiRowQuerySet
from kpis.models.period import QUARTER_END_MESSAGE, is_quarter_end
from regime import rules

_MONEY = {"max_digits": 14, "decimal_places": 2}


class RegimeSettings(models.Model):
    """How one contract counts service failures and persistent failure.

    Defaults: only a reading at the failure threshold is a service failure, judged by the
    quarter (not month by month); a KPI is a persistent failure after missing its target 3
    quarters running or 2 service failures in a rolling year. A contract with no settings row
    uses these defaults.
    """

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="regime_settings"
    )
    detriment_run = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Count this many consecutive quarters at detriment as one service failure. "
        "Leave empty if detriment never makes a service failure.",
    )
    detriment_in_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Count this many detriments within the last four quarters as one service "
        "failure (1 to 4). Leave empty if not.",
    )
    escalate_misses = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="A KPI that misses its target this many quarters running is a persistent "
        "failure.",
    )
    escalate_failures = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="A KPI with this many service failures within four quarters is a persistent "
        "failure (1 to 4).",
    )
    credits_by_month = models.BooleanField(
        "service credits by the month",
        default=False,
        help_text="Tick if the contract pays service credits month by month. A monthly KPI then "
        "has a service failure for each month at its failure threshold, instead of one for the "
        "quarter's figure, and each earns a credit (a percentage scheme takes a third of the "
        "quarter's charge as the month's). A quarter entered without its months, and a KPI "
        "whose months are added up, still count as a quarter.",
    )

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "regime settings"
        verbose_name_plural = "regime settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(detriment_run__isnull=True) | Q(detriment_run__gte=1),
                name="regime_detriment_run_positive",
            ),
            models.CheckConstraint(
                condition=Q(detriment_in_year__isnull=True)
                | (Q(detriment_in_year__gte=1) & Q(detriment_in_year__lte=4)),
                name="regime_detriment_in_year_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(escalate_misses__gte=1), name="regime_escalate_misses_positive"
            ),
            models.CheckConstraint(
                condition=Q(escalate_failures__gte=1) & Q(escalate_failures__lte=4),
                name="regime_escalate_failures_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} regime settings"

    @property
    def rules(self) -> rules.FailureRules:
        return rules.FailureRules(
            detriment_run=self.detriment_run,
            detriment_in_year=self.detriment_in_year,
            escalate_misses=self.escalate_misses,
            escalate_failures=self.escalate_failures,
            by_month=self.credits_by_month,
        )


class CreditScheme(models.Model):
    """What a service failure costs the supplier, from a named quarter on.

    A later scheme replaces an earlier one from its own first quarter; quarters before it keep
    the scheme they were judged by.
    """

    class Basis(models.TextChoices):
        FIXED = rules.Basis.FIXED, "A fixed amount per service failure"
        PERCENT = rules.Basis.PERCENT, "A percentage of the quarter's charge per service failure"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="credit_schemes")
    effective_from = models.DateField(
        help_text="The last day of the first quarter the scheme applies to, like 2018-06-30."
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.FIXED)
    amount = models.DecimalField(
        **_MONEY,
        validators=[MinValueValidator(0)],
        help_text="Pounds per service failure, or the percentage of the quarter's charge.",
    )
    quarter_cap = models.DecimalField(
        **_MONEY, null=True, blank=True, help_text="Most credited in one quarter, in pounds."
    )
    year_cap = models.DecimalField(
        **_MONEY,
        null=True,
        blank=True,
        help_text="Most credited in one financial year, in pounds.",
    )
    reason = models.TextField(
        blank=True, help_text="Where the scheme comes from, or why it changed."
    )

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "effective_from"],
                name="one_credit_scheme_per_contract_and_quarter",
                violation_error_message="This contract already has a scheme from that quarter.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="credit_scheme_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(basis="percent") | Q(amount__lte=100),
                name="credit_scheme_percent_at_most_100",
                violation_error_message="A percentage cannot be over 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} credit scheme from {self.effective_from}"

    def clean(self) -> None:
        if self.effective_from and not is_quarter_end(self.effective_from):
            raise ValidationError({"effective_from": QUARTER_END_MESSAGE})
        if self.basis == self.Basis.PERCENT and self.amount is not None and self.amount > 100:
            raise ValidationError({"amount": "A percentage cannot be over 100."})

    @property
    def scheme(self) -> rules.Scheme:
        return rules.Scheme(self.basis, self.amount, self.quarter_cap, self.year_cap)


class KpiWeight(models.Model):
    """How much a service failure of one KPI counts towards credits (1 unless set)."""

    kpi = models.OneToOneField(Kpi, on_delete=models.CASCADE, related_name="credit_weight")
    weight = models.DecimalField(max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])

    objects = KpiRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI weight"
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="kpi_weight_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.kpi.reference} weighs {self.weight}"


class QuarterCharge(models.Model):
    """What the council paid for one contract's quarter: the base of percentage credits."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="charges")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**_MONEY, validators=[MinValueValidator(0)])

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"],
                name="one_charge_per_contract_and_quarter",
                violation_error_message="This contract already has a charge for this quarter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} charge for {self.period}"


class AppliedCredit(models.Model):
    """The service credit actually deducted from the supplier's invoice for a quarter."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="applied_credits")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**_MONEY, validators=[MinValueValidator(0)])
    note = models.TextField(
        blank=True,
        help_text="Why it differs from the credit due, if it does.",
        validators=[kept_to(REASON_LENGTH, "note")],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = VersionedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period"],
                name="one_applied_credit_per_contract_and_quarter",
                violation_error_message="This contract already has a credit for this quarter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} credit applied for {self.period}"


class ReliefManager(KpiRowManager):
    def get_by_natural_key(self, contract_code: str, reference: str, end_date: str) -> Relief:
        return self.get(
            kpi__contract__code=contract_code, kpi__reference=reference, period__end_date=end_date
        )


class Relief(models.Model):
    """A manager's decision that a KPI's failure in a quarter earns no service credit (an agreed
    mitigation). The failure is still shown, and still counts towards persistent failure."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="reliefs")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(validators=[kept_to(REASON_LENGTH, "reason")])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ReliefManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "kpi"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period"],
                name="one_relief_per_kpi_and_quarter",
                violation_error_message="This KPI already has relief for this quarter.",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="relief_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Relief for {self.kpi.reference} in {self.period}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.kpi.natural_key(), self.period.end_date.isoformat())

    natural_key.dependencies = ["kpis.kpi", "kpis.reportingperiod"]
