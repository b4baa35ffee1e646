"""The API lists published packs and the restatements of their figures."""

import hashlib

import pytest

from tests.packs.test_restatements import REASON, restated  # noqa: F401 (a fixture)


def test_it_lists_a_contracts_published_packs(client, client_for, committee_member, restated):  # noqa: F811
    api = client_for(committee_member)
    packs = api.get("/api/v1/contracts/PSSP/packs/").json()["results"]
    assert len(packs) == 1
    pack = packs[0]
    assert pack["quarter_end"] == "2019-03-31" and pack["version"] == 1
    assert pack["sha256"] == restated.sha256
    assert pack["pdf"].endswith(f"/contracts/PSSP/packs/{restated.pk}/pdf")
    # The address gives the very bytes the checksum describes.
    client.force_login(committee_member)
    pdf = client.get(pack["pdf"].removeprefix("http://testserver"))
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == pack["sha256"]
    assert api.get("/api/v1/contracts/ICT/packs/").json()["count"] == 0


def test_it_lists_restatements_with_old_and_new_figures(
    client_for,
    committee_member,
    restated,  # noqa: F811
):
    rows = client_for(committee_member).get("/api/v1/contracts/PSSP/restatements/").json()
    assert rows["count"] == 1
    row = rows["results"][0]
    assert row["kpi_reference"] == "R&B-K-009" and row["quarter_end"] == "2019-03-31"
    assert (row["published_figure"], row["figure_now"]) == ("8%", "12%")
    assert row["published_status"] == row["status_now"] == "below_target"
    assert row["reopen_reason"] == REASON
    assert row["changed_by"]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # token, contract, count-free list of packs (with period and publisher)
        ("/api/v1/contracts/PSSP/packs/", 3),
        # token, contract, packs, readings, their history and the returns' reasons
        ("/api/v1/contracts/PSSP/restatements/", 6),
    ],
)
def test_it_pins_their_queries(
    client_for,
    committee_member,
    restated,  # noqa: F811
    django_assert_num_queries,
    url,
    queries,
):
    api = client_for(committee_member)
    api.get(url)
    with django_assert_num_queries(queries):
        assert api.get(url).status_code == 200


def test_it_hides_them_from_anyone_signed_out(client, seed):
    assert client.get("/api/v1/contracts/PSSP/packs/").status_code == 401
