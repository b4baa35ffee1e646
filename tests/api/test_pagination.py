from kpis.models import Reading


def test_it_pages_readings_by_100_with_links(seed, committee_member, client_for):
    api = client_for(committee_member)
    first = api.get("/api/v1/readings/").json()
    assert first["count"] == Reading.objects.count() > 100
    assert len(first["results"]) == 100
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == len(first["results"]) + len(second["results"])


def test_it_lets_a_client_choose_the_page_size_up_to_1000(seed, committee_member, client_for):
    api = client_for(committee_member)
    assert len(api.get("/api/v1/readings/", {"page_size": 7}).json()["results"]) == 7
    big = api.get("/api/v1/readings/", {"page_size": 100000}).json()
    assert len(big["results"]) == min(1000, Reading.objects.count())


def test_it_answers_404_past_the_last_page(seed, committee_member, client_for):
    api = client_for(committee_member)
    assert api.get("/api/v1/readings/", {"page": 9999}).status_code == 404
