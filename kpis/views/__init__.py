from kpis.views.kpi_page import kpi_detail
from kpis.views.kpi_table import kpi_table
from kpis.views.pack import committee_pack
from kpis.views.reported import reported_against_computed
from kpis.views.scrutiny import contract_scorecard, home

__all__ = [
    "committee_pack",
    "contract_scorecard",
    "home",
    "kpi_detail",
    "kpi_table",
    "reported_against_computed",
]
