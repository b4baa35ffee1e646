from kpis.management.commands._export import ExportCommand
from kpis.reads.exports import SUMMARY_HEADER, summary_rows


class Command(ExportCommand):
    help = "Write a contract's counts of statuses per service area and quarter as CSV."
    header = SUMMARY_HEADER

    def rows(self, contract):
        return summary_rows(contract)
