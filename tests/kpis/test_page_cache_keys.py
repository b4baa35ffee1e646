"""The page cache is keyed by the page's filter once checked, never by the query string as sent,
and holds a bounded number of bytes: nobody signed in can fill it by varying the address."""

import re
import sys

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Kpi

# Production's settings module, as read at start-up (tests/conftest.py swaps the caches used here).
production = sys.modules["serco_kpi.settings"]

# The session, the user, the user's groups and the contract: a page from the cache reads no more.
FROM_THE_CACHE = 4


def _kept() -> int:
    """How many fragments the page cache holds: the local-memory cache's own dict of them."""
    return len(vars(caches["pages"])["_cache"])


def _kpi_url(seed) -> str:
    return Kpi.objects.get(contract=seed["ICT"], reference="3").get_absolute_url()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["/contracts/ICT/", "/contracts/ICT/kpis/", "kpi"])
def test_it_ignores_parameters_the_page_does_not_read(
    client, committee_member, seed, django_assert_num_queries, page
):
    url = _kpi_url(seed) if page == "kpi" else page
    client.force_login(committee_member)
    client.get(f"{url}?z=1")
    # Another value, none at all, or a sort by a column the table does not have: one entry.
    for query in ("?z=2", "", "?sort=password&page=3"):
        with django_assert_num_queries(FROM_THE_CACHE):
            assert client.get(f"{url}{query}").status_code == 200
    assert _kept() == 1


@pytest.mark.parametrize("page", ["/", "/contracts/ICT/pack/2019-03-31/"])
def test_the_home_page_and_the_pack_ignore_them_too(client, committee_member, seed, page):
    client.force_login(committee_member)
    built = _queries(client, f"{page}?z=1")
    from_the_cache = _queries(client, f"{page}?z=2")
    assert from_the_cache < built
    assert _queries(client, page) == from_the_cache
    assert _kept() == 1


def test_quarters_asked_for_in_any_order_share_one_entry(
    client, committee_member, seed, django_assert_num_queries
):
    client.force_login(committee_member)
    client.get("/contracts/ICT/?quarter=2019-03-31&quarter=2018-12-31")
    # Checking the quarters asked for reads the contract's quarters: one query more.
    with django_assert_num_queries(FROM_THE_CACHE + 1):
        page = client.get(
            "/contracts/ICT/?z=1&quarter=2018-12-31&quarter=2019-03-31&quarter=2019-03-31"
        )
    assert page.status_code == 200
    assert _kept() == 1


@pytest.mark.parametrize(
    "url", ["/contracts/ICT/?quarter=1999-03-31", "/contracts/ICT/kpis/?service_area=NOPE"]
)
def test_a_filter_with_an_error_is_built_for_each_request_and_never_kept(
    client, committee_member, seed, url
):
    client.force_login(committee_member)
    built = _queries(client, url)
    assert _queries(client, url) == built
    assert "Error:" in client.get(url).content.decode()
    assert _kept() == 0


def test_a_bad_value_is_never_shown_in_a_page_kept_for_a_good_one(client, committee_member, seed):
    client.force_login(committee_member)
    client.get("/contracts/ICT/?quarter=1999-03-31")
    page = client.get("/contracts/ICT/").content.decode()
    assert "Error:" not in page
    assert "1999-03-31" not in page


def test_links_in_a_kept_table_carry_only_the_filter_it_is_kept_under(
    client, committee_member, seed
):
    client.force_login(committee_member)
    client.get("/contracts/ICT/kpis/?frequency=monthly&z=<b>1</b>&sort=frequency&sort=reference")
    page = client.get("/contracts/ICT/kpis/?sort=frequency&sort=reference&frequency=monthly")
    html = page.content.decode()
    downloads = re.findall(r'href="([^"]*_export=csv[^"]*)"', html)
    assert downloads == ["?frequency=monthly&amp;sort=frequency&amp;sort=reference&amp;_export=csv"]
    assert "z=" not in html


def test_a_search_on_the_home_page_is_built_each_time(client, committee_member, seed):
    client.force_login(committee_member)
    built = _queries(client, "/?q=Serco")
    assert _queries(client, "/?q=Serco") == built
    assert _kept() == 0


def test_a_fragment_bigger_than_the_bound_allows_is_built_each_time(
    client, committee_member, seed, settings
):
    settings.PAGE_FRAGMENT_MAX_BYTES = 1000
    client.force_login(committee_member)
    built = _queries(client, "/contracts/ICT/")
    assert _queries(client, "/contracts/ICT/") == built
    assert _kept() == 0


def test_the_page_cache_is_bounded_in_bytes():
    pages = production.CACHES["pages"]
    assert pages["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    entries = pages["OPTIONS"]["MAX_ENTRIES"]
    # 64 MB a worker by default, in entries of at most 256 KB: 256 of them.
    assert production.PAGE_CACHE_BYTES == 64 * 1024 * 1024
    assert production.PAGE_FRAGMENT_MAX_BYTES == 256 * 1024
    assert entries == 256
    assert entries * production.PAGE_FRAGMENT_MAX_BYTES <= production.PAGE_CACHE_BYTES
