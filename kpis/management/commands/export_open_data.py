from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kpis.open_data import open_data_lines


class Command(BaseCommand):
    help = (
        "Write the open-data CSV of every reading of every contract (the header is listed in "
        "README), to standard output or to --output FILE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def handle(self, *args, output: Path | None = None, **options) -> None:
        if output is None:
            for line in open_data_lines():
                self.stdout.write(line, ending="")
            return
        try:
            with output.open("w", encoding="utf-8", newline="") as f:
                f.writelines(open_data_lines())
        except OSError as e:
            raise CommandError(f"Cannot write {output}: {e.strerror}.") from None
        self.stdout.write(f"Wrote {output}")
