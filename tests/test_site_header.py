"""The header names the council of the contract a page is about; other pages the site itself."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from kpis.models import Kpi
from kpis.reads.committee_pack import pack_context
from tests.conftest import PASSWORD
from tests.script_prefix import page_under

PETERBOROUGH = "Peterborough City Council"
HERTFORDSHIRE = "Hertfordshire County Council"
SITE = "Contract KPI tracker"


def _header(html: str) -> str:
    return re.search(r'<span class="app-header__council">(.*?)</span>', html, re.S)[1].strip()


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S)[1]


@pytest.fixture
def as_manager(client, manager):
    client.login(username="manager", password=PASSWORD)
    return client


def test_every_page_of_a_peterborough_contract_names_peterborough(as_manager, seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    for url in (
        "/contracts/PSSP/",
        "/contracts/PSSP/kpis/",
        kpi.get_absolute_url(),
        f"/contracts/PSSP/kpis/{kpi.pk}/rule/",
        "/contracts/PSSP/returns/2019-03-31/",
        "/contracts/PSSP/import/",
        "/contracts/PSSP/pack/2019-03-31/",
        "/contracts/PSSP/reported/",
        "/contracts/PSSP/regime/",
        "/contracts/PSSP/regime/relief/",
        "/contracts/PSSP/restatements/",
    ):
        response = as_manager.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert _header(html) == PETERBOROUGH, url
        assert PETERBOROUGH in _title(html) and _title(html).endswith(SITE), url


def test_a_hertfordshire_page_names_hertfordshire(client, committee_member, seed):
    client.login(username="committee", password=PASSWORD)
    for url in ("/contracts/HERTS/", "/contracts/HERTS/kpis/"):
        html = client.get(url).content.decode()
        assert _header(html) == HERTFORDSHIRE, url
        assert PETERBOROUGH not in _title(html)


@pytest.mark.parametrize("url", ["/", "/returns/"])
def test_pages_about_no_one_contract_name_the_site(as_manager, url):
    html = as_manager.get(url).content.decode()
    assert _header(html) == SITE
    assert PETERBOROUGH not in _title(html) and HERTFORDSHIRE not in _title(html)


def test_the_sign_in_page_names_the_site(client, db):
    assert _header(client.get("/accounts/login/").content.decode()) == SITE


def test_the_site_name_is_a_setting(client, committee_member, settings):
    settings.SITE_NAME = "Anytown contract performance"
    client.login(username="committee", password=PASSWORD)
    assert _header(client.get("/").content.decode()) == "Anytown contract performance"


def test_a_missing_page_names_the_site(client, committee_member):
    client.login(username="committee", password=PASSWORD)
    html = client.get("/contracts/NOPE/").content.decode()
    assert _header(html) == SITE


def test_the_pack_pdf_names_the_contracts_council(seed):
    context = pack_context(seed["ICT"], "2019-03-31", timezone.localdate())
    html = render_to_string("packs/pack_pdf.html", {**context, "produced": timezone.now()})
    assert _title(html).startswith(f"{PETERBOROUGH}: ICT Managed Service")
    assert f"{PETERBOROUGH}: ICT committee pack" in html


def test_the_header_links_follow_the_prefix_the_site_is_served_under(as_manager, seed):
    plain = as_manager.get("/").content.decode()
    prefixed = page_under(as_manager, "/", "/kpi")
    again = as_manager.get("/").content.decode()
    for html, prefix in ((plain, ""), (prefixed, "/kpi"), (again, "")):
        found = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', html, re.S)
        assert found
        menu = found[0]
        links = re.findall(r'(?:href|action)="([^"]+)"', menu)
        paths = ["/", "/my-work/", "/returns/", "/open-data/", "/accounts/logout/"]
        assert links == [prefix + path for path in paths]
        assert re.search(r'href="[^"]+" aria-current="page">Home<', menu)
