import pytest

from kpis.models import Kpi, QuarterlyReturn, Reading


@pytest.fixture
def admin_client_seeded(client, admin_user, seed):
    client.force_login(admin_user)
    return client


def test_it_lists_the_seed_contracts_in_the_admin(admin_client_seeded):
    response = admin_client_seeded.get("/admin/contracts/contract/")
    assert response.status_code == 200
    for name in (
        "Peterborough Serco Strategic Partnership",
        "ICT Managed Service",
        "Hertfordshire",
    ):
        assert name in response.content.decode()


def test_it_shows_a_contract_with_its_areas_and_kpis_inline(admin_client_seeded, seed):
    response = admin_client_seeded.get(f"/admin/contracts/contract/{seed['PSSP'].pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Shared Transactional Services" in page
    assert "R&amp;B-K-009a" in page


def test_it_shows_a_kpis_readings_with_their_computed_status(admin_client_seeded):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="CS-K-002")
    response = admin_client_seeded.get(f"/admin/kpis/kpi/{kpi.pk}/change/")
    assert response.status_code == 200
    assert "Suspended (would have been below target)" in response.content.decode()


def test_it_filters_readings_by_computed_status(admin_client_seeded):
    response = admin_client_seeded.get("/admin/kpis/reading/?status=detriment")
    assert response.status_code == 200
    assert "4 readings" in response.content.decode()


def test_it_refuses_changes_to_a_reading_of_an_approved_quarter(admin_client_seeded):
    reading = Reading.objects.get(kpi__reference="R&B-K-009", period__end_date="2018-06-30")
    url = f"/admin/kpis/reading/{reading.pk}/change/"
    response = admin_client_seeded.post(
        url, {"kpi": reading.kpi_id, "period": reading.period_id, "value": "20"}
    )
    assert response.status_code == 403
    reading.refresh_from_db()
    assert str(reading.value.normalize()) == "2.96"


def test_it_refuses_a_bad_figure_with_the_fields_message(admin_client_seeded):
    QuarterlyReturn.objects.filter(contract__code="ICT").update(state="draft")
    reading = Reading.objects.get(
        kpi__contract__code="ICT", kpi__reference="3", period__end_date="2018-06-30"
    )
    response = admin_client_seeded.post(
        f"/admin/kpis/reading/{reading.pk}/change/",
        {
            "kpi": reading.kpi_id,
            "period": reading.period_id,
            "value": "180",
            "unit": "percent",
            "not_measured_reason": "",
            "commentary": "",
        },
    )
    assert response.status_code == 200
    assert "A percentage must be between 0 and 100." in response.content.decode()
    reading.refresh_from_db()
    assert reading.value == 98


def test_it_shows_every_model_list_to_an_administrator(admin_client_seeded):
    for path in (
        "contracts/servicearea",
        "contracts/extension",
        "contracts/budget",
        "contracts/assignment",
        "kpis/kpi",
        "kpis/reading",
        "kpis/suspension",
        "kpis/reportingperiod",
        "kpis/quarterlyreturn",
        "kpis/publishedsummary",
    ):
        assert admin_client_seeded.get(f"/admin/{path}/").status_code == 200, path


def test_it_shows_a_kpis_readings_read_only_so_locks_cannot_be_bypassed(admin_client_seeded):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    page = admin_client_seeded.get(f"/admin/kpis/kpi/{kpi.pk}/change/").content.decode()
    assert "2.9600" in page or "2.96" in page
    assert 'name="readings-0-value"' not in page


def test_it_lists_readings_in_the_same_number_of_queries_however_many(admin_client_seeded):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_area, make_contract, make_kpi, make_reading

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_seeded.get("/admin/kpis/reading/").status_code == 200
        return len(captured)

    before = queries()
    area = make_area(make_contract("MORE"))
    for n in range(30):
        make_reading(make_kpi(area, f"K-{n}"), "2024-06-30", 95)
    assert queries() == before


def test_a_history_address_whose_id_cannot_be_one_is_not_found(admin_client_seeded, seed):
    """The history's address takes any text as the id: "4/change/history/" is a page that
    does not exist, for every model with a history, never a server error."""
    from django.contrib import admin

    from contracts.admin_history import HistoryAdmin

    with_history = [
        model for model, shown in admin.site._registry.items() if isinstance(shown, HistoryAdmin)
    ]
    assert len(with_history) > 10
    contract = seed["ICT"].pk
    for model in with_history:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        assert admin_client_seeded.get(f"{base}/{contract}/change/history/").status_code == 404
    assert (
        admin_client_seeded.get(f"/admin/contracts/contract/{contract}/history/").status_code == 200
    )
