from pathlib import Path

from kpis.management.commands._export import StreamCommand
from kpis.reads.open_data import open_data_lines, open_data_month_lines


class Command(StreamCommand):
    help = (
        "Write the open-data CSV of every reading of every contract, or with --months of every "
        "month beneath their approved quarters (the headers are listed in docs/api.md), to "
        "standard output or to --output FILE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--months",
            action="store_true",
            help="The months beneath monthly KPIs' quarters instead of the readings.",
        )
        super().add_arguments(parser)

    def handle(self, *args, months: bool = False, output: Path | None = None, **options) -> None:
        self.write_lines(open_data_month_lines() if months else open_data_lines(), output)
