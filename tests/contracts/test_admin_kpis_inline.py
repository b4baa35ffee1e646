"""A contract, its service areas and its KPIs created in one admin save; a KPI held keeps its
target and thresholds on the contract's page (they change from a quarter, on the KPI's page)."""

from decimal import Decimal

import pytest

from contracts.models import Contract, ServiceArea
from kpis.models import Kpi, Unit
from tests.admin_forms import form_data

ADD = "/admin/contracts/contract/add/"


@pytest.fixture
def admin(client, admin_user, seed):
    client.force_login(admin_user)
    return client


def _new_contract(**extra) -> dict:
    data = {
        "code": "BORO",
        "name": "Environmental services",
        "authority": "A London Borough",
        "supplier": "Serco Ltd",
        "change_reason": "New contract let",
        "service_areas-TOTAL_FORMS": "1",
        "service_areas-INITIAL_FORMS": "0",
        "service_areas-0-position": "1",
        "service_areas-0-code": "ENV",
        "service_areas-0-name": "Environment",
        "kpis-TOTAL_FORMS": "2",
        "kpis-INITIAL_FORMS": "0",
        "kpis-0-reference": "ENV-01",
        "kpis-0-area_code": "env",
        "kpis-0-description": "Streets at an acceptable standard",
        "kpis-0-frequency": "quarterly",
        "kpis-0-unit": "percent",
        "kpis-0-direction": "higher",
        "kpis-0-target": "95",
        "kpis-0-detriment": "85.5",
        "kpis-0-threshold_basis": "absolute",
        "kpis-1-reference": "ENV-02",
        "kpis-1-area_code": "ENV",
        "kpis-1-description": "Missed collections",
        "kpis-1-frequency": "monthly",
        "kpis-1-unit": "count",
        "kpis-1-direction": "lower",
        "kpis-1-target": "50",
        "kpis-1-target_strict": "on",
        "kpis-1-detriment": "55",
        "kpis-1-failure": "60",
        "kpis-1-threshold_basis": "absolute",
    }
    for prefix in ("extensions", "budgets", "assignments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | extra


def test_it_creates_a_contract_with_its_areas_and_kpis_in_one_save(admin, admin_user):
    response = admin.post(ADD, _new_contract())
    assert response.status_code == 302, response.context["errors"]
    contract = Contract.objects.get(code="BORO")
    area = ServiceArea.objects.get(contract=contract)
    kpis = {k.reference: k for k in Kpi.objects.filter(contract=contract)}
    assert set(kpis) == {"ENV-01", "ENV-02"}
    assert {k.service_area_id for k in kpis.values()} == {area.pk}
    missed = kpis["ENV-02"]
    assert (missed.target, missed.target_strict, missed.detriment, missed.failure) == (
        Decimal(50),
        True,
        Decimal(55),
        Decimal(60),
    )
    assert missed.history.latest().history_change_reason == "New contract let"


def test_it_refuses_a_kpi_in_an_area_not_on_the_page(admin):
    response = admin.post(ADD, _new_contract(**{"kpis-1-area_code": "WASTE"}))
    assert response.status_code == 200
    assert "This contract has no service area &#x27;WASTE&#x27;" in response.content.decode()
    assert not Contract.objects.filter(code="BORO").exists()


def test_it_refuses_thresholds_in_the_wrong_order(admin):
    response = admin.post(ADD, _new_contract(**{"kpis-0-detriment": "99"}))
    assert response.status_code == 200
    assert "the detriment threshold must be below the target" in response.content.decode()
    assert not Contract.objects.filter(code="BORO").exists()


def test_it_shows_each_kpis_description_measure_and_rule(admin, seed):
    url = f"/admin/contracts/contract/{seed['ICT'].pk}/change/"
    page = admin.get(url).content.decode()
    data = form_data(admin, url)
    kpi_3 = next(k for k, v in data.items() if k.endswith("-reference") and v == "3")
    prefix = kpi_3.removesuffix("reference")
    assert data[f"{prefix}description"] == "Resolution of severity 3 incidents (2 business days)"
    assert data[f"{prefix}area_code"] == "ICT"
    # ICT has approved quarters: its KPIs' measure and rule are shown, not edited, here.
    assert f"{prefix}target" not in data
    assert "Detriment threshold" in page and "Failure threshold" in page
    assert "87.0000" in page and "84.0000" in page


def test_it_keeps_the_rule_of_a_kpi_held(admin, seed):
    # HERTS has no approved quarter, so its KPIs' fields are editable here, but not their rule.
    contract = seed["HERTS"]
    area = ServiceArea.objects.create(contract=contract, code="A", name="Area")
    kpi = Kpi.objects.create(
        contract=contract,
        service_area=area,
        reference="H-1",
        description="Old words",
        frequency="monthly",
        unit_id="percent",
        direction="higher",
        target=Decimal(90),
    )
    url = f"/admin/contracts/contract/{contract.pk}/change/"
    data = form_data(admin, url, change_reason="Reworded")
    data["kpis-0-description"] = "New words"
    data["kpis-0-target"] = "50"
    response = admin.post(url, data)
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert (kpi.description, kpi.target) == ("New words", Decimal(90))


def test_it_offers_shared_units_and_the_contracts_own_only(admin, seed):
    Unit.objects.create(code="homes", label="Homes improved", kind="count", contract=seed["ICT"])
    Unit.objects.create(code="bins", label="Bins emptied", kind="count", contract=seed["PSSP"])
    page = admin.get(f"/admin/contracts/contract/{seed['HERTS'].pk}/change/").content.decode()
    assert "Kilograms" in page
    assert "Homes improved" not in page and "Bins emptied" not in page
