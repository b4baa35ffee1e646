from kpis.views.scrutiny import contract_scorecard, home, kpi_detail

__all__ = ["contract_scorecard", "home", "kpi_detail"]
