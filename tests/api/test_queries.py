"""Each endpoint costs the same number of queries however much data there is."""

import pytest

URLS = {
    # token lookup, then count and page (contracts add their two prefetches)
    "/api/v1/contracts/": 5,
    "/api/v1/periods/": 3,
    "/api/v1/kpis/": 3,
    # token, count and page, then the months beneath the page's readings and the suspensions
    # and rule changes that judge them, and the approved readings of the quarters each is
    # compared with for its direction of travel: fixed, whatever the page holds
    "/api/v1/readings/?page_size=1000": 7,
    "/api/v1/readings/?status=met&contract=PSSP": 7,
    # token, periods, counts, service areas, published counts
    "/api/v1/summaries/": 5,
    # token, contract, then the regime: quarters, readings, and its small tables (settings,
    # schemes, charges, credits applied, reliefs and who recorded them) in one query
    "/api/v1/contracts/ICT/failures/": 5,
    "/api/v1/contracts/ICT/credits/": 5,
}


@pytest.mark.parametrize(("url", "queries"), URLS.items())
def test_it_pins_queries_at_two_data_sizes(
    seed, committee_member, client_for, more_quarters, django_assert_num_queries, url, queries
):
    api = client_for(committee_member)
    api.get(url)  # the token is created on first use
    with django_assert_num_queries(queries):
        small = api.get(url)
    assert small.status_code == 200
    more_quarters(4)
    with django_assert_num_queries(queries):
        large = api.get(url)
    assert large.status_code == 200
    if url.startswith(("/api/v1/readings/", "/api/v1/periods/")):
        assert large.json()["count"] > small.json()["count"]
