from django.db import models


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class UnitCode(models.TextChoices):
    """The units every contract shares from the start; more are data (`kpis.models.Unit`)."""

    PERCENT = "percent", "Percentage"
    COUNT = "count", "Number of failures"
    DAYS = "days", "Days"
    SCORE = "score", "Score"


class ThresholdBasis(models.TextChoices):
    """How a KPI's detriment and failure thresholds are given."""

    ABSOLUTE = "absolute", "Figures"
    PERCENT = "percent", "% of target"
    POINTS = "points", "Points from target"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class ReturnState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


# A KPI's fields that make up the rule a figure is judged by: a change to any of them is a change
# of rule, taking effect from a named quarter (`kpis.writes.decisions.change_rule`).
RULE_FIELDS = ("target", "target_strict", "detriment", "failure", "threshold_basis")


class Rollup(models.TextChoices):
    """How a monthly KPI's three months make its quarter's figure (`kpis.rules.rollup`)."""

    SUM = "sum", "Sum of the months"
    AVERAGE = "average", "Average of the months"
    LAST = "last", "Last month measured"
    WORST = "worst", "Worst month"
    # The numerators added up over the denominators added up, never the mean of the rates.
    RATIO = "ratio", "Recomputed from the months' parts"
