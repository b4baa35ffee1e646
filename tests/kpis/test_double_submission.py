"""Every form that creates or acts, sent twice in a row (a double click, the browser's back and
resend): one write, and the second gets the page, a 409 with the refusal shown, or the first
one's result, never a server error. A refusal of a state that changed under the user is a 409.

The same sent at the same moment, on PostgreSQL: tests/kpis/test_concurrent_writes.py.
"""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.models import Contract
from kpis.choices import ReturnState
from kpis.imports.definitions.write import import_definitions
from kpis.imports.write import import_readings
from kpis.models import Kpi, QuarterlyReturn, Reading, RuleChange, Suspension, SuspensionRequest
from kpis.pages import returns_workflow
from kpis.permissions import Action
from kpis.writes import decisions, opening, workflow
from regime.models import AppliedCredit, Relief
from tests.kpis import definition_files
from tests.kpis.import_files import OPEN_QUARTER, database_state, fill_xlsx
from tests.kpis.test_returns_pages import _form_data
from tests.kpis.test_trust_workflow import _submitted

RETURN = "/contracts/{code}/returns/2019-12-31/"


def _twice(client, url: str, data: dict):
    return client.post(url, data), client.post(url, data)


def _text(response) -> str:
    return response.content.decode()


def test_it_starts_a_return_once_and_sends_the_second_click_to_it(client, officer, seed):
    today = timezone.localdate()
    due = next(
        d for d in returns_workflow._contracts_due(officer, today) if d.contract.code == "PSSP"
    )
    end = due.startable[0]
    client.force_login(officer)
    first, second = _twice(
        client, "/contracts/PSSP/returns/start/", {"PSSP-end_date": end, "confirm": "yes"}
    )
    where = f"/contracts/PSSP/returns/{end.isoformat()}/"
    assert (first.status_code, first["Location"]) == (302, where)
    assert (second.status_code, second["Location"]) == (302, where)
    assert QuarterlyReturn.objects.filter(contract=seed["PSSP"], period__end_date=end).count() == 1
    assert "is already started" in _text(client.get(where))


def test_a_click_that_loses_the_race_to_start_is_sent_to_the_return(
    client, officer, seed, monkeypatch
):
    """The first click starts the quarter after the second has looked for its return and before
    it lists the quarters that can be started: the quarter is no longer listed, yet the second
    click is sent to the return rather than told to choose another quarter."""
    today = timezone.localdate()
    listed = returns_workflow._contracts_due
    end = next(d for d in listed(officer, today) if d.contract.code == "PSSP").startable[0]

    def first_click_meanwhile(user, day):
        opening.open_return(contract=seed["PSSP"], end_date=end, user=officer)
        return listed(user, day)

    monkeypatch.setattr(returns_workflow, "_contracts_due", first_click_meanwhile)
    client.force_login(officer)
    response = client.post(
        "/contracts/PSSP/returns/start/", {"PSSP-end_date": end, "confirm": "yes"}
    )
    assert (response.status_code, response["Location"]) == (
        302,
        f"/contracts/PSSP/returns/{end.isoformat()}/",
    )
    assert QuarterlyReturn.objects.filter(contract=seed["PSSP"], period__end_date=end).count() == 1


def test_it_saves_a_return_sent_twice_once(client, officer, seed):
    quarterly_return = opening.open_return(
        contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer
    )
    data = _form_data(quarterly_return, **{"R&B-K-009a": {"value": "99.5"}})
    client.force_login(officer)
    first, second = _twice(client, RETURN.format(code="PSSP"), data)
    assert first.status_code == second.status_code == 302
    reading = Reading.objects.get(kpi__reference="R&B-K-009a", period__end_date=OPEN_QUARTER)
    assert (reading.value, reading.version) == (Decimal("99.5"), 2)
    assert reading.history.count() == 2  # opened, then saved once


def test_a_second_submission_is_a_409_with_the_refusal(client, officer, seed):
    quarterly_return = _submitted(officer, seed["ICT"])
    quarterly_return.state = ReturnState.DRAFT
    quarterly_return.save()
    client.force_login(officer)
    first, second = _twice(client, RETURN.format(code="ICT") + "check/", {})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "submitted and is waiting for approval" in _text(second)
    assert QuarterlyReturn.history.filter(state=ReturnState.SUBMITTED).count() == 2


def test_a_second_approval_is_a_409_with_the_refusal(client, officer, manager, seed):
    _submitted(officer, seed["ICT"])
    client.force_login(manager)
    first, second = _twice(
        client, RETURN.format(code="ICT"), {"action": "approve", "confirm": "yes"}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "approved and is locked" in _text(second)
    assert (
        QuarterlyReturn.history.filter(
            state=ReturnState.APPROVED, period__end_date=OPEN_QUARTER
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("path", "approve_first", "refusal"),
    [
        ("send-back/", False, "still a draft"),
        ("reopen/", True, "still a draft"),
    ],
)
def test_a_second_send_back_or_reopening_is_a_409(
    client, officer, manager, admin_user, seed, path, approve_first, refusal
):
    quarterly_return = _submitted(officer, seed["ICT"])
    if approve_first:
        workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    client.force_login(manager)
    first, second = _twice(client, RETURN.format(code="ICT") + path, {"reason": "Check KPI 3"})
    assert first.status_code == 302
    assert second.status_code == 409
    assert refusal in _text(second)
    assert QuarterlyReturn.history.filter(reopen_reason="Check KPI 3").count() == 1


def test_a_send_back_that_loses_a_race_is_a_409_with_the_refusal(
    client, officer, manager, admin_user, seed, monkeypatch
):
    quarterly_return = _submitted(officer, seed["ICT"])
    send_back, *words = returns_workflow._BACK_TO_DRAFT[Action.SEND_BACK]

    def approved_meanwhile(**kwargs):
        # Another manager approves while this one's page is on its way.
        workflow.approve_return(quarterly_return=quarterly_return, user=admin_user)
        return send_back(**kwargs)

    monkeypatch.setitem(
        returns_workflow._BACK_TO_DRAFT, Action.SEND_BACK, (approved_meanwhile, *words)
    )
    client.force_login(manager)
    response = client.post(RETURN.format(code="ICT") + "send-back/", {"reason": "Check KPI 3"})
    assert response.status_code == 409
    assert "approved and is locked" in _text(response)
    quarterly_return.refresh_from_db()
    assert quarterly_return.state == ReturnState.APPROVED


@pytest.mark.parametrize("who", ["manager", "officer"])
def test_a_suspension_or_request_sent_twice_is_made_once(client, officer, manager, seed, who):
    opening.open_return(contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer)
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    client.force_login(manager if who == "manager" else officer)
    data = {"kpi": kpi.pk, "first_quarter": "2019-12-31", "reason": "System replaced"}
    first, second = _twice(client, RETURN.format(code="PSSP") + "suspensions/new/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == RETURN.format(code="PSSP")
    made = Suspension if who == "manager" else SuspensionRequest
    assert made.objects.filter(kpi=kpi, reason="System replaced").count() == 1
    assert "already" in _text(client.get(second["Location"]))


def test_a_request_overlapping_one_waiting_is_a_409(client, officer, seed):
    opening.open_return(contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer)
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    client.force_login(officer)
    url = RETURN.format(code="PSSP") + "suspensions/new/"
    data = {"kpi": kpi.pk, "first_quarter": "2019-12-31", "reason": "System replaced"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "reason": "Another reason"})
    assert response.status_code == 409
    assert "already waiting for a manager: nothing was sent again" in _text(response)
    assert SuspensionRequest.objects.filter(kpi=kpi).count() == 1


@pytest.mark.parametrize("decision", ["grant", "decline"])
def test_a_request_decided_twice_is_decided_once(client, officer, manager, seed, decision):
    quarterly_return = opening.open_return(
        contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer
    )
    kpi = Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")
    asked = decisions.ask_for_suspension(
        kpi=kpi,
        first_quarter=OPEN_QUARTER,
        last_quarter=None,
        reason="System replaced",
        user=officer,
        quarterly_return=quarterly_return,
    )
    client.force_login(manager)
    url = f"/contracts/PSSP/suspension-requests/{asked.pk}/"
    first, second = _twice(client, url, {"decision": decision, "note": "Not agreed"})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "This request was already" in _text(second)
    assert SuspensionRequest.history.filter(id=asked.pk).count() == 2
    assert Suspension.objects.filter(kpi=kpi, first_quarter=OPEN_QUARTER).count() == (
        1 if decision == "grant" else 0
    )


def test_a_change_of_target_sent_twice_is_made_once(client, manager, seed):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="3")
    client.force_login(manager)
    data = {
        "effective_from": "2019-12-31",
        "target": "92",
        "threshold_basis": "absolute",
        "detriment": "87",
        "failure": "84",
        "reason": "Renegotiated",
    }
    first, second = _twice(client, f"/contracts/ICT/kpis/{kpi.pk}/rule/", data)
    assert first.status_code == second.status_code == 302
    assert "has been changed already" in _text(client.get(second["Location"]))
    assert RuleChange.history.filter(kpi_id=kpi.pk).count() == 1
    assert Kpi.history.filter(id=kpi.pk, history_change_reason="Renegotiated").count() == 1


def test_a_relief_sent_twice_is_a_409_with_the_refusal(client, manager, seed):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="11")
    client.force_login(manager)
    data = {"kpi": kpi.pk, "quarter": "2019-06-30", "reason": "Agreed mitigation"}
    first, second = _twice(client, "/contracts/ICT/regime/relief/", data)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "already has relief for that quarter" in _text(second)
    assert Relief.objects.filter(kpi=kpi).count() == 1


def test_a_credit_sent_twice_is_recorded_once(client, manager, seed):
    client.force_login(manager)
    data = {"quarter": "2019-03-31", "amount": "2400.50", "note": "Agreed"}
    first, second = _twice(client, "/contracts/ICT/regime/credit/", data)
    assert first.status_code == second.status_code == 302
    credit = AppliedCredit.objects.get(contract=seed["ICT"])
    assert credit.history.count() == 1


def test_a_contract_created_twice_is_created_once(client, manager, seed):
    client.force_login(manager)
    data = {
        "code": "BORO",
        "name": "Borough services",
        "authority": "Borough Council",
        "supplier": "Supplier Ltd",
        "start_date": "2024-04-01",
    }
    first, second = _twice(client, "/new-contract/", data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/contracts/BORO/kpis/import/"
    assert Contract.objects.filter(code="BORO").count() == 1
    assert "has been created already" in _text(client.get(second["Location"]))
    # A different contract under a code taken is still refused beside the code.
    response = client.post("/new-contract/", {**data, "name": "Something else"})
    assert response.status_code == 400
    assert "already exists" in _text(response)


def test_an_import_confirmed_twice_is_imported_once(client, officer, seed):
    client.force_login(officer)
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"1": 0, "3": 96.5})
    preview = client.post(
        "/contracts/ICT/import/",
        {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile("ict.xlsx", content)},
    )
    token = preview.context["token"]
    first, second = _twice(client, "/contracts/ICT/import/confirm/", {"token": token})
    assert first.status_code == second.status_code == 302
    assert Reading.history.filter(history_change_reason="Imported from ict.xlsx").count() == 2
    page = _text(client.get(second["Location"]))
    assert "That file was imported already, so nothing was done again." in page
    assert "Imported ict.xlsx: 2 readings changed." in page


def test_a_definitions_import_confirmed_twice_is_imported_once(client, manager, seed):
    client.force_login(manager)
    content = definition_files.to_csv([definition_files.row(reference="W-1")])
    preview = client.post(
        "/contracts/ICT/kpis/import/", {"file": SimpleUploadedFile("kpis.csv", content)}
    )
    token = preview.context["confirm_form"]["token"].value()
    first, second = _twice(client, "/contracts/ICT/kpis/import/confirm/", {"token": token})
    assert first.status_code == second.status_code == 302
    assert Kpi.objects.filter(contract=seed["ICT"], reference="W-1").count() == 1
    page = _text(client.get(second["Location"]))
    assert "That file was imported already, so nothing was done again." in page
    assert "Imported kpis.csv: 1 KPI added" in page


def test_a_definitions_import_done_meanwhile_is_reported_as_done(client, manager, seed):
    """The second of two confirmations sent at once finds, under the lock, the KPIs the first
    wrote: it says so rather than that someone else changed them."""
    client.force_login(manager)
    content = definition_files.to_csv([definition_files.row(reference="W-1")])
    preview = client.post(
        "/contracts/ICT/kpis/import/", {"file": SimpleUploadedFile("kpis.csv", content)}
    )
    token = preview.context["confirm_form"]["token"].value()
    import_definitions(
        preview=definition_files.preview_of(seed["ICT"], manager, content), user=manager
    )
    response = client.post("/contracts/ICT/kpis/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert "kpis.csv has been imported already" in _text(client.get(response["Location"]))
    assert Kpi.objects.filter(contract=seed["ICT"], reference="W-1").count() == 1


def test_an_import_into_a_return_submitted_meanwhile_is_a_409(client, officer, seed, monkeypatch):
    """Submitted between the confirmation's check and its write (by the officer's other tab):
    the refusal on the page, not a server error."""
    quarterly_return = opening.open_return(
        contract=seed["ICT"], end_date=OPEN_QUARTER, user=officer
    )
    client.force_login(officer)
    content = fill_xlsx(seed["ICT"], OPEN_QUARTER, {"1": 0, "3": 96.5})
    preview = client.post(
        "/contracts/ICT/import/",
        {"quarter": OPEN_QUARTER.isoformat(), "file": SimpleUploadedFile("ict.xlsx", content)},
    )

    def submitted_meanwhile(**kwargs):
        QuarterlyReturn.objects.filter(pk=quarterly_return.pk).update(state=ReturnState.SUBMITTED)
        return import_readings(**kwargs)

    monkeypatch.setattr("kpis.pages.imports.import_readings", submitted_meanwhile)
    before = database_state()
    response = client.post("/contracts/ICT/import/confirm/", {"token": preview.context["token"]})
    assert response.status_code == 409
    assert "Nothing was imported. This return has been submitted" in _text(response)
    assert database_state()[4] == before[4]
