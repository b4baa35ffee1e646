from django.core.management.base import BaseCommand
from django.utils import timezone

from reminders.sending import send_reminders


class Command(BaseCommand):
    help = (
        "Email officers the returns due and overdue on their contracts, and managers those "
        "awaiting approval. Safe to run daily: nothing is sent twice for the same return and "
        "stage on the same day."
    )

    def handle(self, *args, **options) -> None:
        reminders = send_reminders(timezone.localdate())
        if not reminders:
            self.stdout.write("No reminders to send today.")
        for reminder in reminders:
            listed = ", ".join(
                f"{q.contract.code} {q.long_label} ({q.stage.label.lower()})"
                for q in reminder.quarters
            )
            self.stdout.write(f"{reminder.recipient.get_username()}: {reminder.outcome}: {listed}")
