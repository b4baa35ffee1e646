"""A manager relieves a failure; nobody else may."""

import datetime

import pytest

from kpis.models import Kpi
from regime.models import Relief

URL = "/contracts/ICT/regime/relief/"


def _kpi(reference: str) -> Kpi:
    return Kpi.objects.get(contract__code="ICT", reference=reference)


def test_a_manager_relieves_kpi_11_s_failure_in_june_2019(client, seed, manager):
    client.force_login(manager)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL, {"kpi": _kpi("11").pk, "quarter": "2019-06-30", "reason": "Agreed mitigation"}
    )
    assert response.status_code == 302
    relief = Relief.objects.get(kpi=_kpi("11"), period__end_date=datetime.date(2019, 6, 30))
    assert relief.recorded_by == manager
    assert relief.history.count() == 1
    page = client.get("/contracts/ICT/regime/").content.decode()
    assert "Agreed mitigation" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"quarter": "2019-06-30", "reason": "x"}, "kpi", "Choose the KPI"),
        # Quarters are chosen from a list: one not on it is refused beside the field.
        ({"kpi": "11", "quarter": "2019-06-31", "reason": "x"}, "quarter", "Choose a quarter from"),
        ({"kpi": "11", "quarter": "2019-06-30", "reason": ""}, "reason", "Say why"),
        # KPI 4 met its target in June 2019: nothing to relieve
        ({"kpi": "4", "quarter": "2019-06-30", "reason": "x"}, "kpi", "met its target"),
        # no return for the quarter: not offered
        ({"kpi": "11", "quarter": "2019-12-31", "reason": "x"}, "quarter", "Choose a quarter from"),
    ],
)
def test_it_puts_each_error_beside_its_field(client, seed, manager, data, field, message):
    if "kpi" in data:
        data = {**data, "kpi": _kpi(data["kpi"]).pk}
    client.force_login(manager)
    response = client.post(URL, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Relief.objects.filter(kpi__reference="11").exists()


def test_a_relief_cannot_be_recorded_twice(client, seed, manager):
    client.force_login(manager)
    data = {"kpi": _kpi("1").pk, "quarter": "2019-03-31", "reason": "Again"}
    response = client.post(URL, data)
    assert "already has relief" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("committee_member", 403), ("outsider", 404)])
def test_others_cannot_record_relief(request, client, seed, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status
    data = {"kpi": _kpi("11").pk, "quarter": "2019-06-30", "reason": "x"}
    assert client.post(URL, data).status_code == status
    assert not Relief.objects.filter(kpi__reference="11").exists()


def test_an_officer_cannot_record_relief(client, seed, officer):
    client.force_login(officer)
    assert client.get(URL).status_code == 403
