from pathlib import Path

from kpis.management.commands._export import StreamCommand
from kpis.reads.open_data import open_data_lines


class Command(StreamCommand):
    help = (
        "Write the open-data CSV of every reading of every contract (the header is listed in "
        "docs/api.md), to standard output or to --output FILE."
    )

    def handle(self, *args, output: Path | None = None, **options) -> None:
        self.write_lines(open_data_lines(), output)
