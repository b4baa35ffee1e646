from pathlib import Path

from django.utils import timezone

from kpis.management.commands._export import StreamCommand
from regime.publication import open_data_lines


class Command(StreamCommand):
    help = (
        "Write the open-data CSV of every contract's service failures or service credits in "
        "approved quarters (headers listed in docs/api.md), to standard output or to --output FILE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=["failures", "credits"])
        super().add_arguments(parser)

    def handle(self, *args, kind: str, output: Path | None = None, **options) -> None:
        self.write_lines(open_data_lines(kind, timezone.localdate()), output)
