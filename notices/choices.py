"""The words of the Procurement Act 2023 and the Procurement Regulations 2024, as choices."""

from __future__ import annotations

from django.db import models


class Rating(models.TextChoices):
    """The five ratings of regulation 39(2)(h), with what each means."""

    GOOD = "good", "Good"
    APPROACHING = "approaching_target", "Approaching target"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    OTHER = "other", "Other"


RATING_MEANINGS = {
    Rating.GOOD: "performance is meeting or exceeding the KPIs",
    Rating.APPROACHING: "performance is close to meeting the KPIs",
    Rating.REQUIRES_IMPROVEMENT: "performance is below the KPIs",
    Rating.INADEQUATE: "performance is significantly below the KPIs",
    Rating.OTHER: "performance cannot be described by the four above",
}


class NoticeKind(models.TextChoices):
    """Why a notice is published (section 71)."""

    PERIODIC = "periodic", "At least once every 12 months"
    TERMINATION = "termination", "On termination"
    BREACH = "breach", "After a breach or a failure to perform"


class NoticeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Approved and published"


class BreachOutcome(models.TextChoices):
    """What a breach led to, each making a notice due (section 71(5))."""

    TERMINATION = "termination", "The contract was terminated, in whole or in part"
    DAMAGES = "damages", "Damages were awarded"
    SETTLEMENT = "settlement", "A settlement was agreed"
    FAILURE_AFTER_NOTICE = (
        "failure_after_notice",
        "The supplier failed to perform after notice to improve",
    )
