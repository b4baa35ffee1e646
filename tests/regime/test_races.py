"""A relief, or the credit applied to a quarter, decided at the same moment as the quarter is
reopened: the outcome is always one the two taken in turn could give. PostgreSQL only
(tests/kpis/races.py says why)."""

import datetime
from decimal import Decimal

import pytest

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn
from kpis.permissions import ReturnLocked
from kpis.writes import workflow
from regime.models import AppliedCredit, Relief
from regime.services import record_applied_credit, record_relief
from tests.kpis.races import TRIALS, needs_row_locks, race

pytestmark = [needs_row_locks, pytest.mark.parametrize("trial", TRIALS)]

# ICT's KPI 11 failed in this approved quarter, and has no relief.
JUNE_2019 = datetime.date(2019, 6, 30)


def _reopening(seed, manager):
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["ICT"], period__end_date=JUNE_2019)
    return quarterly_return, lambda: workflow.reopen_return(
        quarterly_return=quarterly_return, user=manager, reason="Figures restated"
    )


def _reopened_at(quarterly_return) -> datetime.datetime:
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    return (
        quarterly_return.history.filter(history_change_reason__startswith="Reopened")
        .get()
        .history_date
    )


def test_a_reopening_and_a_relief_in_the_quarter(
    transactional_db, trial, seed, manager, admin_user
):
    quarterly_return, reopen = _reopening(seed, manager)
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="11")
    reopening, relieving = race(
        reopen,
        lambda: record_relief(
            kpi=kpi, end_date=JUNE_2019, reason="Agreed mitigation", user=admin_user
        ),
    )
    assert reopening.done
    reopened_at = _reopened_at(quarterly_return)
    # Relieved first, while approved, then reopened; or reopened first, and the relief refused.
    # Never a relief recorded on a quarter that was a draft by then.
    relief = Relief.objects.filter(kpi=kpi, period__end_date=JUNE_2019).first()
    assert (relief is not None) == relieving.done
    if relief:
        assert relief.recorded_at < reopened_at
    else:
        assert isinstance(relieving.refusal, ReturnLocked)


def test_a_reopening_and_the_credit_applied_to_the_quarter(
    transactional_db, trial, seed, manager, admin_user
):
    quarterly_return, reopen = _reopening(seed, manager)
    reopening, recording = race(
        reopen,
        lambda: record_applied_credit(
            contract=seed["ICT"], end_date=JUNE_2019, amount=Decimal(500), note="", user=admin_user
        ),
    )
    assert reopening.done
    reopened_at = _reopened_at(quarterly_return)
    credit = AppliedCredit.objects.filter(contract=seed["ICT"], period__end_date=JUNE_2019).first()
    assert (credit is not None) == recording.done
    if credit:
        assert credit.recorded_at < reopened_at
