"""Give the demo a contract under the Procurement Act 2023 with its notices due (`make run`)."""

from django.core.management.base import BaseCommand

from notices import demo


class Command(BaseCommand):
    help = (
        "Treat the seed's ICT contract as procured under the Procurement Act 2023, with "
        "published KPIs, a notice due and a breach. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(demo.load())
