from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.sending import send_reminders


class Command(BaseCommand):
    help = (
        "Email officers the returns due and overdue on their contracts, and managers those "
        "awaiting approval. Safe to run daily: nothing is sent twice for the same return and "
        "stage on the same day. Exits non-zero if any email could not be sent."
    )

    def handle(self, *args, **options) -> None:
        tried = failed = 0
        # Each line is written as soon as its email is settled, so that what was sent is said
        # whatever happens later in the run.
        for reminder in send_reminders(timezone.localdate()):
            tried += 1
            if reminder.failed:
                failed += 1
            listed = ", ".join(
                f"{q.contract.code} {q.long_label} ({q.stage.label.lower()})"
                for q in reminder.quarters
            )
            self.stdout.write(f"{reminder.recipient.get_username()}: {reminder.outcome}: {listed}")
        if not tried:
            self.stdout.write("No reminders to send today.")
        if failed:
            raise CommandError(
                f"{failed} of {tried} reminders could not be sent (listed above as not sent); "
                "the next run tries them again."
            )
