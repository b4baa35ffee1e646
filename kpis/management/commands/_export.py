import csv
from collections.abc import Iterable
from pathlib import Path

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


class StreamCommand(BaseCommand):
    """A published CSV, streamed to standard output or written to --output FILE."""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def write_lines(self, lines: Iterable[str], output: Path | None) -> None:
        if output is None:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        try:
            with output.open("w", encoding="utf-8", newline="") as f:
                f.writelines(lines)
        except OSError as e:
            raise CommandError(f"Cannot write {output}: {e.strerror}.") from None
        self.stdout.write(f"Wrote {output}")
