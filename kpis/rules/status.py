"""The status rules: how one KPI's reading in one quarter is judged.

Pure Python with no database access, so that it can be tested on its own and used for figures
that are not saved yet (form feedback, import previews). `kpis.models.status_sql.status_expression`
states the same rules in SQL so that the database can count; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from kpis.choices import Direction, ThresholdBasis


class Status(models.TextChoices):
    MET = "met", "Met"
    BELOW_TARGET = "below_target", "Below target"
    DETRIMENT = "detriment", "Detriment"
    FAILURE = "failure", "Failure"
    SUSPENDED = "suspended", "Suspended"
    NOT_MEASURED = "not_measured", "Not measured"
    NOT_DUE = "not_due", "Not due"
    MISSING = "missing", "Missing"
    # A figure, and no target in force to judge it by: shown and charted, never counted.
    DATA_ONLY = "data_only", "Data only"
    # A quarter outside the KPI's life span (before it was measured, or after it was retired).
    NOT_IN_FORCE = "not_in_force", "Not in force"


# Statuses that count as measured in a summary; only MET counts as a hit.
MEASURED = (Status.MET, Status.BELOW_TARGET, Status.DETRIMENT, Status.FAILURE)

# From best to worst, for comparing figures.
RANK = {Status.MET: 0, Status.BELOW_TARGET: 1, Status.DETRIMENT: 2, Status.FAILURE: 3}


@dataclass(frozen=True)
class Rule:
    """What a figure is judged against: the KPI's direction and the thresholds in force.

    With an absolute basis the thresholds are figures, reached inclusively. Otherwise they are
    tolerances around the target in force ("within 10% of target", "within 2 points"): a figure
    missing the target by no more than the tolerance has not reached the threshold.
    """

    direction: str
    target: Decimal | None
    strict: bool = False
    detriment: Decimal | None = None
    failure: Decimal | None = None
    basis: str = ThresholdBasis.ABSOLUTE


@dataclass(frozen=True)
class Evaluation:
    status: Status
    # For a suspended reading: the status it would have had.
    would_have_been: Status | None = None
    # False when a figure was given but cannot be judged: it is in another unit than the KPI's
    # (counted as not measured), or no target is in force (data only). Such a figure is kept and
    # shown.
    comparable: bool = True


def evaluate(
    *,
    rule: Rule,
    value: Decimal | None,
    not_measured_reason: str = "",
    unit_matches: bool = True,
    suspended: bool = False,
    due: bool = True,
    quarter_over: bool = True,
    in_force: bool = True,
) -> Evaluation:
    # Outside the KPI's life span nothing about the quarter is judged, not even a suspension.
    if not in_force:
        return Evaluation(Status.NOT_IN_FORCE)
    if suspended:
        inner = evaluate(
            rule=rule,
            value=value,
            not_measured_reason=not_measured_reason,
            unit_matches=unit_matches,
            due=due,
            quarter_over=quarter_over,
        )
        return Evaluation(Status.SUSPENDED, would_have_been=inner.status)
    if value is None:
        if not_measured_reason.strip():
            return Evaluation(Status.NOT_MEASURED)
        if due and quarter_over:
            return Evaluation(Status.MISSING)
        return Evaluation(Status.NOT_DUE)
    if not unit_matches:
        return Evaluation(Status.NOT_MEASURED, comparable=False)
    # A target needs a direction to be met; a KPI without one is data only whatever a quarter's
    # own target says (the forms refuse that pair, the rule copes with it).
    if rule.target is None or not rule.direction:
        return Evaluation(Status.DATA_ONLY, comparable=False)
    return Evaluation(judge(rule, value))


def judge(rule: Rule, value: Decimal) -> Status:
    """Compare a figure with the target, then the failure and detriment thresholds."""
    higher = rule.direction == Direction.HIGHER
    if _meets(rule, value, higher):
        return Status.MET
    if rule.failure is not None and _reaches(rule, value, rule.failure, higher):
        return Status.FAILURE
    if rule.detriment is not None and _reaches(rule, value, rule.detriment, higher):
        return Status.DETRIMENT
    return Status.BELOW_TARGET


def _meets(rule: Rule, value: Decimal, higher: bool) -> bool:
    assert rule.target is not None
    if higher:
        return value > rule.target if rule.strict else value >= rule.target
    return value < rule.target if rule.strict else value <= rule.target


def _reaches(rule: Rule, value: Decimal, threshold: Decimal, higher: bool) -> bool:
    if rule.basis == ThresholdBasis.ABSOLUTE:
        # Reaching a threshold is inclusive: 86% against a detriment of 87% has reached it.
        return value <= threshold if higher else value >= threshold
    assert rule.target is not None
    shortfall = rule.target - value if higher else value - rule.target
    return shortfall > tolerance(rule.basis, rule.target, threshold)


def tolerance(basis: str, target: Decimal, allowed: Decimal) -> Decimal:
    """How far a figure may miss `target` before it reaches a relative threshold."""
    if basis == ThresholdBasis.PERCENT:
        return abs(target) * allowed / 100
    return allowed
