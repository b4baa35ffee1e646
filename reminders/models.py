from django.conf import settings
from django.db import models

from contracts.models import Contract


class ReminderSent(models.Model):
    """One reminder of one return at one stage, sent to one person on one day.

    The unique constraint is what makes a second run on the same day send nothing twice.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    quarter_end = models.DateField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    stage = models.CharField(max_length=20)
    sent_on = models.DateField()

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        ordering = ["-sent_on", "contract", "quarter_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "quarter_end", "recipient", "stage", "sent_on"],
                name="one_reminder_per_return_stage_person_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} {self.quarter_end} ({self.stage}) to {self.recipient}"
