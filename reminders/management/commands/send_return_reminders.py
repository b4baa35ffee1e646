from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.sending import send_reminders


class Command(BaseCommand):
    help = (
        'Email each person their "My work": officers the returns due, overdue and sent back, '
        "managers those awaiting approval and the requests, plans and notices waiting on them, "
        "committee members the answers to their questions. Safe to run daily: nobody is sent "
        "the same item twice on the same day. Exits non-zero if any email could not be sent."
    )

    def handle(self, *args, **options) -> None:
        tried = failed = 0
        # Each line is written as soon as its email is settled, so that what was sent is said
        # whatever happens later in the run.
        for reminder in send_reminders(timezone.localdate()):
            tried += 1
            if reminder.failed:
                failed += 1
            listed = ", ".join(item.title for item in reminder.items)
            self.stdout.write(f"{reminder.recipient.get_username()}: {reminder.outcome}: {listed}")
        if not tried:
            self.stdout.write("No reminders to send today.")
        if failed:
            raise CommandError(
                f"{failed} of {tried} reminders could not be sent (listed above as not sent); "
                "the next run tries them again."
            )
