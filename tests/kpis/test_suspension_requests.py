"""Officers ask for a suspension; only a manager grants it (recording the suspension) or declines
it with a reason, and a decided request cannot be decided again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kpis.models import Kpi, Suspension, SuspensionRequest
from kpis.writes import decisions, opening
from tests.kpis.returns import Q3

RETURN = "/contracts/PSSP/returns/2019-12-31/"


@pytest.fixture
def draft(officer, seed):
    return opening.open_return(contract=seed["PSSP"], end_date=Q3, user=officer)


@pytest.fixture
def kpi(seed):
    return Kpi.objects.get(contract=seed["PSSP"], reference="R&B-K-009")


def _ask(client, kpi, **extra):
    data = {"kpi": kpi.pk, "first_quarter": "2019-12-31", "reason": "System replaced", **extra}
    return client.post(f"{RETURN}suspensions/new/", data)


def test_an_officer_asks_and_nothing_is_suspended_until_a_manager_grants(
    client, officer, manager, draft, kpi
):
    client.force_login(officer)
    page = client.get(RETURN).content.decode()
    assert "Ask for a KPI to be suspended" in page and "Record a suspension" not in page
    response = _ask(client, kpi)
    assert response.status_code == 302
    asked = SuspensionRequest.objects.get()
    assert asked.is_pending and asked.requested_by == officer
    assert not Suspension.objects.filter(kpi=kpi).exists()
    # The officer sees the request but cannot decide it.
    url = f"/contracts/PSSP/suspension-requests/{asked.pk}/"
    assert "Suspend R&amp;B-K-009 as asked" not in client.get(url).content.decode()
    assert client.post(url, {"decision": "grant"}).status_code == 403

    client.force_login(manager)
    assert "R&amp;B-K-009, from Dec-19" in client.get(RETURN).content.decode()
    assert client.post(url, {"decision": "grant"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == SuspensionRequest.State.GRANTED and asked.decided_by == manager
    suspension = Suspension.objects.get(kpi=kpi)
    assert asked.suspension == suspension and suspension.reason == "System replaced"
    # Granting again changes nothing, and says why.
    with pytest.raises(ValidationError, match="already granted"):
        decisions.grant_suspension(asked=asked, user=manager)


def test_a_manager_declines_with_a_reason(client, officer, manager, draft, kpi):
    asked = decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Why not", user=officer
    )
    client.force_login(manager)
    url = f"/contracts/PSSP/suspension-requests/{asked.pk}/"
    refused = client.post(url, {"decision": "decline", "note": ""})
    assert refused.status_code == 400
    assert "Say why the request is declined" in refused.content.decode()
    assert client.post(url, {"decision": "decline", "note": "Contract says no"}).status_code == 302
    asked.refresh_from_db()
    assert asked.state == SuspensionRequest.State.DECLINED
    assert asked.decision_note == "Contract says no"
    assert not Suspension.objects.filter(kpi=kpi).exists()
    client.force_login(officer)
    assert "Contract says no" in client.get(url).content.decode()


def test_a_request_is_checked_as_the_suspension_it_asks_for(client, officer, draft, kpi):
    client.force_login(officer)
    response = _ask(client, kpi, first_quarter="2019-12-30")
    assert response.status_code == 200
    assert "Choose a quarter from the list" in response.content.decode()
    assert not SuspensionRequest.objects.exists()


def test_a_request_cannot_reach_into_an_approved_quarter(officer, manager, draft, kpi):
    # Refused when asked, so that no request is left that a manager could never grant.
    with pytest.raises(ValidationError, match="approved and locked"):
        decisions.ask_for_suspension(
            kpi=kpi,
            first_quarter=datetime.date(2019, 9, 30),
            last_quarter=None,
            reason="Backdated",
            user=officer,
        )
    assert not SuspensionRequest.objects.exists()


def test_a_second_grant_is_refused_in_words_not_an_error(client, officer, manager, draft, kpi):
    asked = decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Replaced", user=officer
    )
    client.force_login(manager)
    url = f"/contracts/PSSP/suspension-requests/{asked.pk}/"
    assert client.post(url, {"decision": "grant"}).status_code == 302
    again = client.post(url, {"decision": "grant"})
    assert again.status_code == 409
    assert "This request was already granted: nothing was changed." in again.content.decode()
    assert Suspension.objects.filter(kpi=kpi).count() == 1


@pytest.mark.parametrize("reader", ["committee_member", "outsider"])
def test_readers_neither_ask_nor_see_requests(request, client, officer, kpi, draft, reader):
    asked = decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Asked", user=officer
    )
    user = request.getfixturevalue(reader)
    with pytest.raises(PermissionDenied):
        decisions.ask_for_suspension(
            kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Asked", user=user
        )
    client.force_login(user)
    response = client.get(f"/contracts/PSSP/suspension-requests/{asked.pk}/")
    assert response.status_code in (403, 404)


def test_it_tells_another_contracts_officer_no_such_request_exists(
    client, officer, outsider, committee_member, draft, kpi
):
    asked = decisions.ask_for_suspension(
        kpi=kpi, first_quarter=Q3, last_quarter=None, reason="Asked", user=officer
    )
    url = f"/contracts/PSSP/suspension-requests/{asked.pk}/"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "grant"}).status_code == 404
    # The committee reads every contract, so it is told it may not, as on every other page.
    client.force_login(committee_member)
    assert client.get(url).status_code == 403


def test_it_hides_an_approved_quarters_suspension_form_from_another_contract(
    client, outsider, committee_member, seed
):
    url = "/contracts/PSSP/returns/2019-09-30/suspensions/new/"  # approved: everyone reads it
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(committee_member)
    assert client.get(url).status_code == 403


def test_it_reads_the_contract_once_for_the_suspension_form(
    client, officer, draft, django_assert_num_queries
):
    client.force_login(officer)
    client.get(f"{RETURN}suspensions/new/")
    # The session, the user, the contract, the return, the reader's groups and assignments (one
    # query), the KPIs offered, and the contract's first quarter held (to list the quarters
    # from it).
    with django_assert_num_queries(7):
        assert client.get(f"{RETURN}suspensions/new/").status_code == 200
