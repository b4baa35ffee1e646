"""The life of a return: a submission is frozen, approval is a second person's check of the
same things submission checks, and going back to draft always needs a manager and a reason."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kpis.choices import Direction, Frequency, ReturnState, UnitCode
from kpis.imports.write import prepare_import
from kpis.models import Kpi
from kpis.permissions import SELF_APPROVAL_REASON, ReturnLocked
from kpis.writes import saving, workflow
from tests.kpis.returns import Q3, fill_return, reading_in, row_entry, start_return


def _submitted(officer, contract):
    quarterly_return = start_return(officer, contract)
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    return workflow.submit_return(quarterly_return=quarterly_return, user=officer)


def test_it_freezes_a_submitted_return_for_its_officer_and_its_manager(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    reading = reading_in(quarterly_return, "1")
    submitted_value = reading.value
    for user in (officer, manager):
        with pytest.raises(ReturnLocked, match="submitted and is waiting for approval"):
            saving.save_return(
                quarterly_return=quarterly_return, user=user, entries=[row_entry(reading, 1)]
            )
    reading.refresh_from_db()
    assert reading.value == submitted_value
    with pytest.raises(ReturnLocked):
        saving.ensure_editable(reading, officer)


def test_it_refuses_an_import_into_a_submitted_return(officer, seed):
    _submitted(officer, seed["ICT"])
    content = b"Contract,Quarter end,KPI,Figure\r\nICT,2019-12-31,1,50\r\n"
    preview = prepare_import(
        contract=seed["ICT"],
        end_date=Q3,
        user=officer,
        content=content,
        filename="ict.csv",
        today=datetime.date(2020, 1, 15),
    )
    assert not preview.ok, preview.problems
    messages = [message for _, message in preview.problems]
    assert any("submitted and is waiting for approval" in m for m in messages), messages


def test_it_will_not_let_whoever_submitted_a_return_approve_it(manager, seed, settings):
    quarterly_return = _submitted(manager, seed["ICT"])
    with pytest.raises(ReturnLocked) as refused:
        workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    assert refused.value.message == SELF_APPROVAL_REASON
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.SUBMITTED
    # A council with a single manager may turn the rule off.
    settings.ALLOW_SELF_APPROVAL = True
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED


def test_it_rechecks_on_approval_what_submission_checked(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    # A KPI added after the submission has no figure: approving would lock a gap.
    Kpi.objects.create(
        contract=seed["ICT"],
        service_area=seed["ICT"].service_areas.first(),
        reference="20",
        description="Added after submission",
        frequency=Frequency.QUARTERLY,
        unit_id=UnitCode.PERCENT,
        direction=Direction.HIGHER,
    )
    with pytest.raises(workflow.ReturnIncomplete) as refused:
        workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    assert [message for _, _, message in refused.value.problems] == [
        "Enter a figure, or say why it was not measured"
    ]
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.SUBMITTED


def test_a_manager_returns_a_submission_to_the_officer_with_a_reason(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    with pytest.raises(PermissionDenied):
        workflow.send_back_return(quarterly_return=quarterly_return, user=officer, reason="x")
    with pytest.raises(ValidationError, match="Say why the return is being returned"):
        workflow.send_back_return(quarterly_return=quarterly_return, user=manager, reason=" ")
    workflow.send_back_return(
        quarterly_return=quarterly_return, user=manager, reason="KPI 3 looks mistyped"
    )
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.DRAFT
    assert quarterly_return.reopen_reason == "KPI 3 looks mistyped"
    # The submission record no longer describes figures that may now change.
    assert quarterly_return.submitted_by is None and quarterly_return.submitted_at is None
    assert quarterly_return.history.latest().history_change_reason == (
        "Returned: KPI 3 looks mistyped"
    )
    reading = reading_in(quarterly_return, "3")
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=[row_entry(reading, 99)]
    )


def test_only_an_approved_return_can_be_reopened(officer, manager, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    with pytest.raises(ReturnLocked, match="submitted"):
        workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="Because")


def test_of_two_managers_approving_at_once_one_wins_and_the_other_is_told(
    officer, manager, seed, django_user_model
):
    from contracts.roles import Role
    from tests.conftest import _user

    second = _user(django_user_model, "second", Role.MANAGER, [seed["ICT"]])
    quarterly_return = _submitted(officer, seed["ICT"])
    stale = type(quarterly_return).objects.get(pk=quarterly_return.pk)
    stale.contract = seed["ICT"]
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    with pytest.raises(ReturnLocked, match="approved and is locked"):
        workflow.approve_return(quarterly_return=stale, user=second)
    quarterly_return.refresh_from_db()
    assert quarterly_return.approved_by == manager


def test_a_save_after_the_return_was_submitted_elsewhere_is_refused_and_keeps_what_was_typed(
    client, officer, django_user_model, seed
):
    from contracts.roles import Role
    from tests.conftest import _user

    colleague = _user(django_user_model, "colleague", Role.OFFICER, [seed["ICT"]])
    quarterly_return = start_return(officer, seed["ICT"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    url = f"/contracts/ICT/returns/{Q3.isoformat()}/"
    client.force_login(officer)
    page = client.get(url)
    reading = reading_in(quarterly_return, "1")
    prefix = f"kpi-{reading.kpi_id}"
    assert f'name="{prefix}-value"' in page.content.decode()
    # Meanwhile the colleague submits it.
    workflow.submit_return(quarterly_return=quarterly_return, user=colleague)
    data = {
        f"{prefix}-value": "87.125",
        f"{prefix}-version": str(reading.version),
        "action": "save",
    }
    response = client.post(url, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "submitted and is waiting for approval" in html
    assert "87.125" in html
    assert 'value="87.125"' in html.split("can no longer be sent")[1]
    submitted_value = reading.value
    reading.refresh_from_db()
    assert reading.value == submitted_value


def test_the_return_page_says_why_the_approve_button_is_missing(client, manager, seed):
    _submitted(manager, seed["ICT"])
    client.force_login(manager)
    html = client.get(f"/contracts/ICT/returns/{Q3.isoformat()}/").content.decode()
    assert "Approve and lock this return" not in html
    assert SELF_APPROVAL_REASON.split(",")[0] in html
    assert "Return it to the officer" in html
