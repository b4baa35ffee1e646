"""The months beneath monthly KPIs' approved quarters as CSV, beside export_readings, whose
header is a stable interface and so stays as it is."""

from kpis.management.commands._export import ExportCommand
from kpis.reads.exports import MONTHS_HEADER, month_rows


class Command(ExportCommand):
    help = "Write every month of a contract's monthly KPIs as CSV: one row per KPI and month."
    header = MONTHS_HEADER

    def rows(self, contract):
        return month_rows(contract)
