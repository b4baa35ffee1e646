"""Plans and actions made straight in the database, for tests about what is shown of them (the
writes that check who may make them are tested on their own)."""

from __future__ import annotations

import datetime

from kpis.models import Kpi, ReportingPeriod
from plans.choices import PlanState, Trigger
from plans.models import Plan, PlanAction

MAR_19 = datetime.date(2019, 3, 31)


def a_plan(
    kpi: Kpi,
    *,
    first: datetime.date = MAR_19,
    last: datetime.date | None = None,
    state: str = PlanState.REQUESTED,
    title: str = "Answer calls on time again",
    notified_on: datetime.date = datetime.date(2019, 4, 4),
    due_on: datetime.date = datetime.date(2019, 4, 18),
    root_cause: str = "Too few staff on the service desk",
) -> Plan:
    return Plan.objects.create(
        kpi=kpi,
        title=title,
        trigger=Trigger.FAILURE,
        first_quarter=ReportingPeriod.objects.get(end_date=first),
        last_quarter=ReportingPeriod.objects.get(end_date=last or first),
        notified_on=notified_on,
        due_on=due_on,
        root_cause=root_cause,
        state=state,
    )


def an_action(
    kpi_or_plan: Kpi | Plan,
    *,
    due_on: datetime.date = datetime.date(2019, 5, 31),
    description: str = "Recruit two analysts",
    **fields,
) -> PlanAction:
    plan = kpi_or_plan if isinstance(kpi_or_plan, Plan) else a_plan(kpi_or_plan)
    return PlanAction.objects.create(
        plan=plan, description=description, owner="Sam Patel", due_on=due_on, **fields
    )
