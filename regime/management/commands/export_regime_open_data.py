from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from regime.publication import open_data_lines


class Command(BaseCommand):
    help = (
        "Write the open-data CSV of every contract's service failures or service credits in "
        "approved quarters (headers listed in README), to standard output or to --output FILE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["failures", "credits"])
        parser.add_argument("--output", type=Path, help="Write to this file instead.")

    def handle(self, *args, kind: str, output: Path | None = None, **options) -> None:
        lines = open_data_lines(kind, timezone.localdate())
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
