"""The return services refuse readers themselves, whatever the views check first.

tests/kpis/test_permission_table.py walks the table through `save_return` and the state changes;
this module adds the entry points it does not call (`save_draft`, which the return page uses,
and `ensure_editable`, which the admin uses) and pins that a committee member or another
contract's officer is refused outright, never told the return is merely locked, and that a
refusal writes nothing.
"""

import pytest
from django.core.exceptions import PermissionDenied

from kpis.choices import ReturnState
from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.permissions import ReturnLocked
from kpis.writes import opening, saving, workflow
from tests.factories import period
from tests.kpis.returns import Q3, fill_return, reading_in, row_entry

READERS = ["committee_member", "outsider"]


@pytest.fixture
def draft(seed, officer):
    quarterly_return = opening.open_return(contract=seed["PSSP"], end_date=Q3, user=officer)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    return quarterly_return


def _in(quarterly_return: QuarterlyReturn, state: str) -> QuarterlyReturn:
    QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(state=state)
    quarterly_return.refresh_from_db()
    return quarterly_return


def _snapshot(quarterly_return: QuarterlyReturn):
    readings = Reading.objects.filter(period=quarterly_return.period).order_by("pk")
    return list(readings.values()), QuarterlyReturn.objects.get(pk=quarterly_return.pk).state


def _refused(call) -> None:
    # Not ReturnLocked: a reader is not someone who could edit once the return is in draft.
    with pytest.raises(PermissionDenied) as caught:
        call()
    assert not isinstance(caught.value, ReturnLocked)


@pytest.mark.parametrize("role", READERS)
def test_it_refuses_a_reader_a_draft_save(request, draft, role):
    user = request.getfixturevalue(role)
    reading = reading_in(draft, "R&B-K-009")
    before = _snapshot(draft)
    _refused(
        lambda: saving.save_draft(
            quarterly_return=draft, user=user, entries=[row_entry(reading, 1)]
        )
    )
    _refused(
        lambda: saving.save_return(
            quarterly_return=draft, user=user, entries=[row_entry(reading, 1)]
        )
    )
    assert _snapshot(draft) == before


@pytest.mark.parametrize("role", READERS)
def test_it_refuses_a_reader_a_change_to_a_reading(request, draft, role):
    user = request.getfixturevalue(role)
    reading = reading_in(draft, "R&B-K-009")
    reading.value = 1
    _refused(lambda: saving.ensure_editable(reading, user))


@pytest.mark.parametrize("role", READERS)
def test_it_refuses_a_reader_every_step_of_the_return(request, draft, role):
    user = request.getfixturevalue(role)
    before = _snapshot(draft)
    _refused(lambda: workflow.submit_return(quarterly_return=draft, user=user))
    submitted = _in(draft, ReturnState.SUBMITTED)
    _refused(lambda: workflow.approve_return(quarterly_return=submitted, user=user))
    _refused(lambda: workflow.send_back_return(quarterly_return=submitted, user=user, reason="No"))
    approved = _in(draft, ReturnState.APPROVED)
    _refused(lambda: workflow.reopen_return(quarterly_return=approved, user=user, reason="No"))
    assert _snapshot(approved)[0] == before[0]
    assert _snapshot(approved)[1] == ReturnState.APPROVED


@pytest.mark.parametrize("role", READERS)
def test_it_refuses_a_reader_the_start_of_a_return(request, seed, role):
    user = request.getfixturevalue(role)
    _refused(lambda: opening.open_return(contract=seed["PSSP"], end_date=Q3, user=user))
    assert not QuarterlyReturn.objects.filter(contract=seed["PSSP"], period__end_date=Q3).exists()


def test_it_refuses_to_move_a_stored_reading_out_of_a_locked_quarter(draft, manager):
    # R&B-K-009's Sep-19 reading is in an approved, locked quarter; moved in memory to the Dec-19
    # draft, where the manager may edit, it is still a change to Sep-19 and is refused.
    reading = Reading.objects.get(kpi__reference="R&B-K-009", period__end_date="2019-09-30")
    reading.period = draft.period
    with pytest.raises(ReturnLocked):
        saving.ensure_editable(reading, manager)


@pytest.mark.parametrize("blanked", ["period", "kpi"])
def test_it_refuses_to_take_a_stored_reading_out_of_a_locked_quarter_into_none(
    seed, manager, blanked
):
    # Sep-19 is approved; a reading with its quarter or KPI blanked is still a change to Sep-19.
    reading = Reading.objects.get(kpi__reference="R&B-K-009", period__end_date="2019-09-30")
    setattr(reading, blanked, None)
    with pytest.raises(ReturnLocked):
        saving.ensure_editable(reading, manager)


def test_it_leaves_a_new_reading_without_a_quarter_to_the_form(seed, manager):
    # Nothing to check against yet: the admin form says that the quarter is required.
    reading = Reading(kpi=Kpi.objects.get(reference="R&B-K-009"))
    saving.ensure_editable(reading, manager)


def test_it_refuses_a_reading_in_a_quarter_whose_return_is_not_started(seed, manager):
    # No return for Dec-19 yet: figures are entered once the return is started.
    reading = Reading(kpi=Kpi.objects.get(reference="R&B-K-009"), period=period("2019-12-31"))
    with pytest.raises(ReturnLocked, match="return has not been started"):
        saving.ensure_editable(reading, manager)
