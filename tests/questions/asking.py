"""Questions asked and figures restated in a few words, for the tests of questions."""

import datetime

from kpis.models import QuarterlyReturn, Reading
from kpis.writes import saving, workflow
from questions import writes
from tests.kpis.returns import reading_in, row_entry

# PSSP's 2018/19 Q4: approved in the seed, R&B-K-009 at 8%.
MAR_19 = datetime.date(2019, 3, 31)
DUE = datetime.date(2030, 6, 30)
TEXT = "Why did parking debt recovery fall to 8% in the last quarter?"


def action(description: str = "Send the recovery plan to the committee", **fields):
    fields.setdefault("owner_name", "Parking lead at Serco")
    return writes.ActionAgreed(description=description, due_date=DUE, **fields)


def restate(contract, officer, manager, value, *, approve: bool = True) -> None:
    """Reopen Mar-19 and change R&B-K-009 to `value`; approve it again unless told not to."""
    quarterly_return = QuarterlyReturn.objects.get(contract=contract, period__end_date=MAR_19)
    workflow.reopen_return(
        quarterly_return=quarterly_return, user=manager, reason="The supplier recounted."
    )
    reading = reading_in(quarterly_return, "R&B-K-009")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(reading, value, commentary="Recounted after an audit.")],
    )
    if not approve:
        return
    # The seed's misses carry no commentary, which submitting asks for.
    Reading.objects.filter(period=quarterly_return.period, commentary="").update(
        commentary="As printed in the report."
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
