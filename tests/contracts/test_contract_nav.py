"""Every page about a contract links to its three main pages (the navigation) and to the
contract itself (the breadcrumbs); their addresses are worked out once per process."""

import re

import pytest
from django.test import override_settings

from contracts.models import Contract
from tests.conftest import PASSWORD
from tests.script_prefix import page_under

PAGES = ["/contracts/{}/", "/contracts/{}/kpis/", "/contracts/{}/reported/"]


def _part(pattern: str, html: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, f"no {pattern!r} in the page"
    return found[0]


def _nav(html: str, code: str) -> str:
    return _part(rf'<nav [^>]*aria-label="{code} pages">.*?</nav>', html)


def _breadcrumbs(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', _part(r'<nav class="govuk-breadcrumbs.*?</nav>', html))


@pytest.fixture
def as_committee(client, committee_member):
    client.login(username="committee", password=PASSWORD)
    return client


@pytest.mark.parametrize("current", range(3))
def test_it_links_the_three_pages_and_marks_the_one_shown(as_committee, seed, current):
    html = as_committee.get(PAGES[current].format("PSSP")).content.decode()
    nav = _nav(html, "PSSP")
    assert re.findall(r'href="([^"]+)"', nav) == [page.format("PSSP") for page in PAGES]
    marked = re.findall(r'href="([^"]+)" aria-current="page"', nav)
    assert marked == [PAGES[current].format("PSSP")]


def test_a_kpi_page_leads_back_to_its_contract_and_table(as_committee, seed):
    kpi = seed["PSSP"].kpis.get(reference="R&B-K-009")
    html = as_committee.get(kpi.get_absolute_url()).content.decode()
    assert _breadcrumbs(html) == ["/", "/contracts/PSSP/", "/contracts/PSSP/kpis/"]


def test_the_links_follow_the_prefix_the_site_is_served_under(as_committee, seed):
    plain = as_committee.get("/contracts/PSSP/kpis/").content.decode()
    prefixed = page_under(as_committee, "/contracts/PSSP/kpis/", "/kpi")
    again = as_committee.get("/contracts/PSSP/kpis/").content.decode()
    for html, prefix in ((plain, ""), (prefixed, "/kpi"), (again, "")):
        links = re.findall(r'href="([^"]+)"', _nav(html, "PSSP"))
        assert links == [prefix + page.format("PSSP") for page in PAGES]
        assert _breadcrumbs(html)[1] == f"{prefix}/contracts/PSSP/"


def test_a_contract_given_a_new_code_links_to_its_new_addresses(as_committee, seed):
    as_committee.get("/contracts/HERTS/")
    contract = Contract.objects.get(code="HERTS")
    contract.code = "HCC"
    contract.save()
    html = as_committee.get("/contracts/HCC/").content.decode()
    assert re.findall(r'href="([^"]+)"', _nav(html, "HCC")) == [p.format("HCC") for p in PAGES]
    assert Contract.objects.get(code="HCC").get_absolute_url() == "/contracts/HCC/"


def test_the_links_follow_the_urlconf_the_site_is_served_by(as_committee, seed):
    contract = seed["PSSP"]
    assert contract.get_absolute_url() == "/contracts/PSSP/"
    with override_settings(ROOT_URLCONF="tests.contracts.elsewhere_urls"):
        assert contract.get_absolute_url() == "/elsewhere/contracts/PSSP/"
        html = as_committee.get("/elsewhere/contracts/PSSP/kpis/").content.decode()
        links = re.findall(r'href="([^"]+)"', _nav(html, "PSSP"))
        assert links == ["/elsewhere" + page.format("PSSP") for page in PAGES]
        assert 'href="/elsewhere/returns/"' in html
    assert contract.get_absolute_url() == "/contracts/PSSP/"
