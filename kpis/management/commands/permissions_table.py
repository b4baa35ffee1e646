"""Print the permission table as README shows it, so that README is made from the code."""

from django.core.management.base import BaseCommand

from kpis.permissions import markdown_table


class Command(BaseCommand):
    help = "Print who may do what in each state of a quarter's return, as a Markdown table."

    def handle(self, *args, **options) -> None:
        self.stdout.write(markdown_table())
