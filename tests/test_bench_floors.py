"""The bench's floors (tools/bench/urls.py): the same bytes, one of them behind the sign-in."""

from __future__ import annotations

import pytest

from tools.bench import urls as bench_urls


@pytest.fixture
def floors(settings, tmp_path, monkeypatch):
    page = tmp_path / "floor.html"
    page.write_bytes("<p>KPI performance ✓</p>".encode())
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(page))
    bench_urls._floor_page.cache_clear()
    settings.ROOT_URLCONF = "tools.bench.urls"
    yield page
    bench_urls._floor_page.cache_clear()


def test_it_serves_the_floor_to_anyone(client, floors, db):
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content == floors.read_bytes()


def test_it_serves_the_signed_in_floor_only_to_someone_signed_in(client, floors, committee_member):
    response = client.get("/bench/floor/signed-in/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    client.force_login(committee_member)
    response = client.get("/bench/floor/signed-in/")
    assert response.status_code == 200
    assert response.content == floors.read_bytes()
