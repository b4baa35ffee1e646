from kpis.management.commands._export import ExportCommand
from kpis.reads.exports import READINGS_HEADER, reading_rows


class Command(ExportCommand):
    help = "Write every reading of a contract as CSV: one row per KPI and quarter, with status."
    header = READINGS_HEADER

    def rows(self, contract):
        return reading_rows(contract)
