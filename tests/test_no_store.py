"""Every answer to someone signed in is marked `no-store`, so that a shared PC's browser keeps no
draft, figure or download after sign-out; static files and pages for nobody keep their caching."""

from __future__ import annotations

import pytest
from django.test import Client

from kpis.models import Kpi
from kpis.writes import opening
from tests.kpis.import_files import OPEN_QUARTER

DRAFT = f"/contracts/PSSP/returns/{OPEN_QUARTER}/"
APPROVED = "2019-03-31"

# One address of each kind a signed-in person reads, with what it is.
PAGES = {
    "home": "/",
    "scorecard": "/contracts/PSSP/",
    "KPI table": "/contracts/PSSP/kpis/",
    "KPI table as CSV": "/contracts/PSSP/kpis/?_export=csv",
    "KPI table as XLSX": "/contracts/PSSP/kpis/?_export=xlsx",
    "KPI page": "KPI",
    "reported against computed": "/contracts/PSSP/reported/",
    "my returns": "/returns/",
    "draft return": DRAFT,
    "return check": f"{DRAFT}check/",
    "import page": "/contracts/PSSP/import/",
    "import template": f"/contracts/PSSP/import/template/?quarter={OPEN_QUARTER}&format=xlsx",
    "committee pack": f"/contracts/PSSP/pack/{APPROVED}/",
    "committee pack PDF": f"/contracts/PSSP/pack/{APPROVED}/pdf",
    "restatements": "/contracts/PSSP/restatements/",
    "regime": "/contracts/ICT/regime/",
    "open data page": "/open-data/",
    "open data": "/open-data/readings.csv",
    "open data, months": "/open-data/months.csv",
    "open data, service credits": "/open-data/service-credits.csv",
    "API list, by session": "/api/v1/readings/?contract=PSSP",
}
API = {
    "API list": "/api/v1/readings/?contract=PSSP",
    "API detail": "/api/v1/contracts/PSSP/",
    "API summaries": "/api/v1/summaries/",
}


@pytest.fixture
def draft(officer, seed):
    return opening.open_return(contract=seed["PSSP"], end_date=OPEN_QUARTER, user=officer)


def _address(address: str) -> str:
    if address == "KPI":
        return Kpi.objects.filter(contract__code="PSSP").first().get_absolute_url()
    return address


def _assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", PAGES)
def test_it_tells_the_browser_to_keep_no_signed_in_page(client, officer, draft, kind):
    client.force_login(officer)

    _assert_not_stored(client.get(_address(PAGES[kind])))


@pytest.mark.parametrize("kind", API)
def test_it_tells_the_browser_to_keep_no_api_answer_to_a_token(client_for, officer, kind):
    _assert_not_stored(client_for(officer).get(API[kind]))


def test_it_tells_the_browser_to_keep_no_admin_page(client, admin_user):
    client.force_login(admin_user)

    _assert_not_stored(client.get("/admin/kpis/reading/"))


def test_it_leaves_static_files_and_pages_for_nobody_to_cache_as_before(client, seed):
    static = Client().get("/static/css/app.css")
    assert static.status_code == 200
    assert "max-age" in static["Cache-Control"] and "no-store" not in static["Cache-Control"]
    # Signed out: the scorecard only sends the visitor to sign in, and nothing marks that.
    redirect = client.get("/contracts/PSSP/")
    assert redirect.status_code == 302
    assert "Cache-Control" not in redirect


def test_it_stops_marking_once_signed_out(client, officer, draft):
    client.force_login(officer)
    assert "no-store" in client.get(DRAFT)["Cache-Control"]
    client.post("/accounts/logout/")

    assert "Cache-Control" not in client.get(DRAFT)
