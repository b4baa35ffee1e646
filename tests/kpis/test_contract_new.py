"""The "Create a contract" page: managers and administrators only; the creating manager is
assigned to the new contract and goes on to import its KPIs."""

import pytest

from contracts.models import Assignment, Contract
from tests.conftest import PASSWORD

URL = "/new-contract/"
FILLED = {
    "code": "WASTE",
    "name": "Waste collection",
    "authority": "A Borough Council",
    "supplier": "Serco Ltd",
    "description": "Refuse, recycling and street cleansing.",
    "start_date": "2019-04-01",
    "end_date": "2026-03-31",
}


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def test_it_creates_a_contract_and_assigns_the_manager_to_it(as_manager, manager):
    response = as_manager.post(URL, FILLED)
    assert response.status_code == 302
    assert response["Location"] == "/contracts/WASTE/kpis/import/"
    contract = Contract.objects.get(code="WASTE")
    assert (contract.name, contract.authority, contract.supplier) == (
        "Waste collection",
        "A Borough Council",
        "Serco Ltd",
    )
    assert str(contract.start_date) == "2019-04-01"
    assert Assignment.objects.filter(contract=contract, user=manager).exists()
    assert contract.history.latest().history_user == manager
    # Assigned, the manager can go straight on to its KPIs.
    assert as_manager.get(response["Location"]).status_code == 200


def test_it_is_linked_from_the_home_page_for_managers(as_manager):
    assert 'href="/new-contract/"' in as_manager.get("/").content.decode()


def test_it_lets_an_administrator_create_a_contract(client, admin_user):
    client.login(username="admin", password=PASSWORD)
    assert client.post(URL, FILLED).status_code == 302
    assert not Assignment.objects.filter(contract__code="WASTE").exists()


@pytest.mark.parametrize("who", ["officer", "committee", "outsider"])
def test_it_refuses_everyone_else(client, officer, committee_member, outsider, who):
    client.login(username=who, password=PASSWORD)
    assert client.get(URL).status_code == 403
    assert client.post(URL, FILLED).status_code == 403
    assert 'href="/new-contract/"' not in client.get("/").content.decode()
    assert not Contract.objects.filter(code="WASTE").exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": ""}, "code", "Enter the contract&#x27;s code"),
        ({"code": "PSSP"}, "code", "Contract with this Code already exists."),
        ({"code": "has spaces"}, "code", "Enter a valid “slug”"),
        ({"name": ""}, "name", "Enter the contract&#x27;s name"),
        ({"start_date": "1st April"}, "start_date", "Enter a date like 2024-04-01"),
        ({"end_date": "2018-01-01"}, "end_date", "The end date must be after the start date."),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(as_manager, changes, field, message):
    response = as_manager.post(URL, {**FILLED, **changes})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'href="#id_{field}"' in page, "the error summary links to the field"
    assert 'value="Serco Ltd"' in page
    assert Contract.objects.filter(code="WASTE").count() == 0


def test_it_runs_a_fixed_number_of_queries(as_manager, django_assert_num_queries):
    # Session, user, and the user's groups for the permission table.
    with django_assert_num_queries(3):
        assert as_manager.get(URL).status_code == 200
