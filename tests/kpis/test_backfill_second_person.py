"""Back-filling approves a quarter, so it is no way round the second person's check: whoever
submitted a quarter's return, or entered figures in it here, cannot back-fill it; someone else can,
and history nobody has entered here is still approved at once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from kpis.choices import ReturnState
from kpis.permissions import SELF_APPROVAL_REASON, SELF_BACKFILL_REASON, ReturnLocked
from kpis.writes import opening, saving, workflow
from kpis.writes.backfill import backfill_return
from tests.conftest import PASSWORD
from tests.kpis.import_files import database_state, rows_of, to_csv
from tests.kpis.returns import fill_return

# ICT has no return for this quarter in the seed, and it has ended.
PAST = datetime.date(2019, 12, 31)
SOURCE = "ICT contract monitoring report, February 2020"
SUBMITTED = SELF_BACKFILL_REASON.format(did="submitted")
ENTERED = SELF_BACKFILL_REASON.format(did="entered figures in")


def _entered_by(user, contract):
    """The quarter's return opened by `user`, every figure entered and saved by them."""
    quarterly_return = opening.open_return(contract=contract, end_date=PAST, user=user)
    saving.save_return(
        quarterly_return=quarterly_return, user=user, entries=fill_return(quarterly_return)
    )
    return quarterly_return


def _backfill(contract, user):
    return backfill_return(contract=contract, end_date=PAST, user=user, entries=[], source=SOURCE)


def test_whoever_submitted_a_quarter_cannot_approve_it_by_back_filling(manager, admin_user, seed):
    quarterly_return = _entered_by(manager, seed["ICT"])
    workflow.submit_return(quarterly_return=quarterly_return, user=manager)
    with pytest.raises(ReturnLocked) as refused:
        workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    assert refused.value.message == SELF_APPROVAL_REASON
    with pytest.raises(ReturnLocked) as refused:
        _backfill(seed["ICT"], manager)
    assert refused.value.message == SUBMITTED
    quarterly_return.refresh_from_db()
    assert (quarterly_return.state, quarterly_return.backfill_source) == (ReturnState.SUBMITTED, "")
    # Someone else may: the administrator is the second person.
    _backfill(seed["ICT"], admin_user)
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED
    assert (quarterly_return.submitted_by, quarterly_return.approved_by) == (manager, admin_user)


def test_sending_ones_own_return_back_does_not_make_it_history(manager, admin_user, seed):
    quarterly_return = _entered_by(manager, seed["ICT"])
    workflow.submit_return(quarterly_return=quarterly_return, user=manager)
    workflow.send_back_return(quarterly_return=quarterly_return, user=manager, reason="Again")
    quarterly_return.refresh_from_db()
    assert (quarterly_return.state, quarterly_return.submitted_by) == (ReturnState.DRAFT, None)
    with pytest.raises(ReturnLocked) as refused:
        _backfill(seed["ICT"], manager)
    assert refused.value.message == ENTERED
    _backfill(seed["ICT"], admin_user)
    quarterly_return.refresh_from_db()
    assert quarterly_return.approved_by == admin_user


def test_a_manager_back_fills_over_an_officers_draft(officer, manager, seed):
    _entered_by(officer, seed["ICT"])
    _backfill(seed["ICT"], manager)
    quarterly_return = seed["ICT"].returns.get(period__end_date=PAST)
    assert (quarterly_return.state, quarterly_return.approved_by) == (ReturnState.APPROVED, manager)


def test_a_return_only_opened_is_still_history_approved_at_once(manager, seed):
    # Opening adds empty rows: nothing entered, nothing for a second person to check.
    opening.open_return(contract=seed["ICT"], end_date=PAST, user=manager)
    _backfill(seed["ICT"], manager)
    quarterly_return = seed["ICT"].returns.get(period__end_date=PAST)
    assert (quarterly_return.state, quarterly_return.approved_by) == (ReturnState.APPROVED, manager)


def test_a_council_with_one_manager_may_still_back_fill_its_own_return(manager, seed, settings):
    settings.ALLOW_SELF_APPROVAL = True
    quarterly_return = _entered_by(manager, seed["ICT"])
    workflow.submit_return(quarterly_return=quarterly_return, user=manager)
    _backfill(seed["ICT"], manager)
    quarterly_return.refresh_from_db()
    assert quarterly_return.approved_by == quarterly_return.submitted_by == manager


def _upload(client, contract):
    content = to_csv(rows_of(contract))
    data = {"quarter": PAST.isoformat(), "file": SimpleUploadedFile("history.csv", content)}
    return client.post("/contracts/ICT/import/", {**data, "backfill": "on", "source": SOURCE})


def test_the_import_page_refuses_to_back_fill_ones_own_submission(client, manager, seed):
    quarterly_return = _entered_by(manager, seed["ICT"])
    workflow.submit_return(quarterly_return=quarterly_return, user=manager)
    client.login(username="manager", password=PASSWORD)
    before = database_state()
    response = _upload(client, seed["ICT"])
    assert response.status_code == 400
    assert escape(SUBMITTED) in response.content.decode()
    assert not response.context["token"]
    assert database_state() == before


def test_a_preview_taken_before_the_submission_cannot_be_confirmed_after_it(client, manager, seed):
    quarterly_return = opening.open_return(contract=seed["ICT"], end_date=PAST, user=manager)
    client.login(username="manager", password=PASSWORD)
    preview = _upload(client, seed["ICT"])
    assert preview.status_code == 200, preview.content.decode()
    saving.save_return(
        quarterly_return=quarterly_return, user=manager, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=manager)
    response = client.post("/contracts/ICT/import/confirm/", {"token": preview.context["token"]})
    assert response.status_code == 409
    assert escape(SUBMITTED) in response.content.decode()
    quarterly_return.refresh_from_db()
    assert (quarterly_return.state, quarterly_return.approved_by) == (ReturnState.SUBMITTED, None)
