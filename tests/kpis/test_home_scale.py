"""The home page costs the same however many contracts there are: the same queries built, the
same from the page cache, and kept in the cache even when it is more HTML than the cache keeps
uncompressed. Of hundreds of quarters approved in the last few weeks, its returns panel lists the
latest ten and counts the rest."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts.models import Contract
from kpis.rules import due
from kpis.writes.demo_data import generate

# Session, user, the count and page of contracts, groups, returns (as rows), their quarters,
# latest counts (with the year to date), extensions and the returns listed as needing attention
# (tests/kpis/test_views_queries.py).
BUILT = 10
# Session, user, the count and page of contracts and groups: the rest comes from the cache.
FROM_THE_CACHE = 5


def _without_nonces(html: str) -> str:
    """The page less what each request makes anew around the kept fragment."""
    return re.sub(r'(nonce|value)="[A-Za-z0-9+/=_-]{16,}"', "", html)


def _get(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _assert_lists_only_the_latest_approvals(html: str) -> None:
    """Of the quarters approved today (all of them), the returns panel lists ten and counts the
    rest."""
    codes = set(re.findall(r'href="/contracts/([A-Z0-9]+)/"', html))
    listable = due.quarters_for(Contract.objects.filter(code__in=codes), timezone.localdate())
    approved = sum(1 for q in listable if q.stage == due.Stage.APPROVED)
    assert approved > due.RECENTLY_APPROVED_LISTED
    assert html.count("Approved</strong>") == due.RECENTLY_APPROVED_LISTED
    more = approved - due.RECENTLY_APPROVED_LISTED
    assert f"{more} more returns approved in the last 30 days are not listed here" in html


@pytest.mark.parametrize("contracts", [5, 60])
def test_it_reads_as_many_queries_at_any_number_of_contracts(
    client, committee_member, settings, contracts
):
    generate(contracts=contracts, kpis=2, quarters=8, seed=3)
    # The approved quarters were approved today, so each is counted and the latest listed: at 60
    # contracts the page's HTML is bigger than this bound, and compresses well within it.
    settings.PAGE_FRAGMENT_MAX_BYTES = 40 * 1024
    client.force_login(committee_member)
    built, html = _get(client)
    assert built == BUILT
    if contracts == 60:
        assert len(html.encode()) > settings.PAGE_FRAGMENT_MAX_BYTES
        _assert_lists_only_the_latest_approvals(html)
    again, from_the_cache = _get(client)
    assert again == FROM_THE_CACHE
    assert _without_nonces(from_the_cache) == _without_nonces(html)
    assert len(vars(caches["pages"])["_cache"]) == 1
