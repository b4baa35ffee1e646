"""The read-only API: a contract's published notices with their regulation 39 fields, never its
drafts; the procurement details on the contract and the published flag on each KPI."""

from notices import content
from tests.notices.making import a_notice, under_act


def test_it_lists_published_notices_never_drafts(client_for, committee_member, manager, seed):
    ict = under_act(seed["ICT"])
    published = a_notice(ict, manager, published=True)
    a_notice(ict, manager)
    rows = client_for(committee_member).get("/api/v1/contracts/ICT/performance-notices/").json()
    assert rows["count"] == 1
    row = rows["results"][0]
    assert row["notice"] == content.as_json(published)
    assert tuple(row["notice"]) == content.REGULATION_39_FIELDS
    assert (row["kind"], row["version"], row["sha256"]) == ("periodic", 1, published.sha256)
    assert row["url"].endswith(published.get_absolute_url())
    empty = client_for(committee_member).get("/api/v1/contracts/PSSP/performance-notices/")
    assert empty.json()["count"] == 0
    assert (
        client_for(committee_member).get("/api/v1/contracts/NOPE/performance-notices/").status_code
        == 404
    )


def test_the_contract_and_its_kpis_carry_the_procurement_details(
    client_for, committee_member, seed
):
    under_act(seed["ICT"])
    api = client_for(committee_member)
    contract = api.get("/api/v1/contracts/ICT/").json()
    assert contract["procured_under_act"] is True
    assert contract["supplier_identifier"] == "02048608"
    assert float(contract["estimated_value"]) == 12_000_000
    kpis = api.get("/api/v1/kpis/", {"contract": "ICT", "page_size": 100}).json()["results"]
    assert {k["reference"] for k in kpis if k["published"]} == {"1", "2", "8"}
