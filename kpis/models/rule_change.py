from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from contracts.dates import quarter_out_of_range
from contracts.limits import REASON_LENGTH, kept_to, too_long_message
from kpis.choices import ThresholdBasis
from kpis.models.kpi import Kpi, KpiRowQuerySet
from kpis.models.period import ReportingPeriod
from kpis.rules.status import Rule


def rule_change_problems(kpi: Kpi, effective_from, reason: str) -> dict[str, str]:
    """What a change of rule must satisfy beyond the rule itself, whoever makes it: a first
    quarter inside the contract's term and near today, and a reason the history can keep."""
    errors = {}
    if problem := quarter_out_of_range(kpi.contract, effective_from):
        errors["effective_from"] = problem
    if len(reason.strip()) > REASON_LENGTH:
        errors["reason"] = too_long_message("reason", REASON_LENGTH)
    return errors


class RuleChange(models.Model):
    """A change to a KPI's target or thresholds, taking effect from a named quarter.

    The KPI's own fields hold the rule in force now. Each change keeps the rule it replaced, so
    that a quarter before it is judged as it always was: the rule for a quarter is the `previous`
    rule of the first change after that quarter, or the KPI's own when there is none.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="rule_changes")
    effective_from = models.DateField(
        help_text="The last day of the first quarter judged by the new rule."
    )
    previous_target = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    previous_target_strict = models.BooleanField(default=False)
    previous_detriment = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    previous_failure = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    previous_threshold_basis = models.CharField(
        max_length=10, choices=ThresholdBasis.choices, default=ThresholdBasis.ABSOLUTE
    )
    reason = models.TextField(validators=[kept_to(REASON_LENGTH, "reason")])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    objects = KpiRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "effective_from"], name="one_rule_change_per_kpi_and_quarter"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="rule_change_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} rule from {self.effective_from:%b-%y}"

    def clean(self) -> None:
        if self.kpi_id and (errors := rule_change_problems(self.kpi, self.effective_from, "")):
            raise ValidationError(errors)

    @property
    def quarter_label(self) -> str:
        period = ReportingPeriod(end_date=self.effective_from)
        period.fill_derived_fields()
        return period.long_label

    def previous_rule(self, direction: str) -> Rule:
        return Rule(
            direction=direction,
            target=self.previous_target,
            strict=self.previous_target_strict,
            detriment=self.previous_detriment,
            failure=self.previous_failure,
            basis=self.previous_threshold_basis,
        )
