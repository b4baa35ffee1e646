"""People on cached pages: who works on a contract, and their names beside what they changed.

The home page's panel of returns is an officer's own, and a name is printed in a KPI's history:
both must show a change at once, while a mere sign-in, which saves the user too, keeps every
cached page."""

import pytest

from contracts.models import Assignment, Contract
from kpis.models import Kpi
from tests.conftest import PASSWORD
from tests.factories import make_contract
from tests.kpis.returns import start_return


def _versions() -> dict[str, int]:
    return dict(Contract.objects.values_list("code", "data_version"))


def _panel(client) -> str:
    """The home page's panel of returns due."""
    return client.get("/").content.decode().split("Returns due")[1]


@pytest.fixture
def waste(seed):
    """A contract with returns due, on the home page's first page with the seed's three."""
    return make_contract("WASTE", name="Waste collection")


def test_a_contract_assigned_shows_in_the_officers_panel_at_once(client, officer, waste):
    client.force_login(officer)
    assert "Waste collection" not in _panel(client)
    Assignment.objects.create(user=officer, contract=waste)
    assert "Waste collection" in _panel(client)


def test_a_contract_taken_away_leaves_the_officers_panel_at_once(client, officer, waste):
    assignment = Assignment.objects.create(user=officer, contract=waste)
    client.force_login(officer)
    assert "Waste collection" in _panel(client)
    assignment.delete()
    assert "Waste collection" not in _panel(client)


def test_a_name_changed_shows_in_a_kpis_history_at_once(client, officer, manager, seed):
    start_return(officer, seed["ICT"])
    url = Kpi.objects.get(contract=seed["ICT"], reference="3").get_absolute_url()
    client.force_login(manager)
    assert "Officer" in client.get(url).content.decode()
    officer.first_name = "Olwen"
    officer.save()
    assert "Olwen" in client.get(url).content.decode()


@pytest.mark.parametrize("how", ["force_login", "login"])
def test_signing_in_keeps_every_cached_page(client, officer, seed, how):
    before = _versions()
    if how == "login":
        assert client.login(username="officer", password=PASSWORD)
    else:
        client.force_login(officer)
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert _versions() == before
