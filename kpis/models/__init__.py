from kpis.models.kpi import Kpi
from kpis.models.months import MonthlyFigure
from kpis.models.period import ReportingPeriod
from kpis.models.published import PublishedSummary
from kpis.models.returns import QuarterlyReturn, Reading
from kpis.models.rule_change import RuleChange
from kpis.models.suspension import Suspension, SuspensionRequest
from kpis.models.unit import Unit, UnitKind

__all__ = [
    "Kpi",
    "MonthlyFigure",
    "PublishedSummary",
    "QuarterlyReturn",
    "Reading",
    "ReportingPeriod",
    "RuleChange",
    "Suspension",
    "SuspensionRequest",
    "Unit",
    "UnitKind",
]
