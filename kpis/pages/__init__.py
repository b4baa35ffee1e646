from kpis.pages.kpi_page import kpi_detail
from kpis.pages.kpi_table import kpi_table
from kpis.pages.pack import committee_pack
from kpis.pages.reported import reported_against_computed
from kpis.pages.scrutiny import contract_scorecard, home

__all__ = [
    "committee_pack",
    "contract_scorecard",
    "home",
    "kpi_detail",
    "kpi_table",
    "reported_against_computed",
]
