import csv

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Contract


class ExportCommand(BaseCommand):
    """A CSV export of one contract on standard output."""

    header: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="The contract's code, such as PSSP.")

    def handle(self, *args, contract: str, **options):
        try:
            found = Contract.objects.get(code=contract)
        except Contract.DoesNotExist:
            codes = ", ".join(Contract.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No contract has the code {contract!r} (known: {codes}).") from None
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows(found))

    def rows(self, contract: Contract):
        raise NotImplementedError
