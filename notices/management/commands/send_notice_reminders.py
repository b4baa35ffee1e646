"""Email managers the Contract Performance Notices overdue or due within 30 days (daily cron)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notices.reminders import send_notice_reminders


class Command(BaseCommand):
    help = "Email each contract's managers its Contract Performance Notices overdue or due soon."

    def handle(self, *args, **options) -> None:
        sent = send_notice_reminders(timezone.localdate())
        self.stdout.write(f"{sent} email{'s' if sent != 1 else ''} sent.")
