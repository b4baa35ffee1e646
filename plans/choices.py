"""The words a rectification plan is described in: what it answers, where it has got to, and who
owns each of its actions."""

from __future__ import annotations

from django.db import models


class Trigger(models.TextChoices):
    """What led the manager to ask the supplier for a plan."""

    FAILURE = "failure", "A service failure"
    DETRIMENT = "detriment", "Performance at detriment"
    PERSISTENT_FAILURE = "persistent_failure", "A persistent failure"
    CONCERN = "concern", "A concern about performance"


class PlanState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    NOT_EFFECTIVE = "not_effective", "Closed as not effective"


class ActionState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Side(models.TextChoices):
    """Whose person owns an action."""

    SUPPLIER = "supplier", "The supplier"
    COUNCIL = "council", "The council"
