"""The API's service failures and credits: read-only, approved quarters only."""

import pytest


def test_it_lists_ict_s_failure_and_its_credits(seed, committee_member, client_for):
    api = client_for(committee_member)
    failures = api.get("/api/v1/contracts/ICT/failures/").json()
    assert failures["count"] == 1
    [failure] = failures["results"]
    assert (failure["kpi_reference"], failure["quarter_end"], failure["reason"]) == (
        "11",
        "2019-06-30",
        "failure",
    )
    assert failure["relieved"] is False
    credits = api.get("/api/v1/contracts/ICT/credits/").json()["results"]
    assert [c["quarter_end"] for c in credits][:2] == ["2018-06-30", "2018-09-30"]
    march = next(c for c in credits if c["quarter_end"] == "2019-03-31")
    assert (march["service_failures"], march["credit_due"]) == (0, 0)
    assert march["persistent_failures"] == ["8"]
    june = next(c for c in credits if c["quarter_end"] == "2019-06-30")
    assert june["credit_due"] is None and june["problem"]


@pytest.mark.parametrize(
    "url", ["/api/v1/contracts/NOPE/failures/", "/api/v1/contracts/X/credits/"]
)
def test_an_unknown_contract_is_a_404(seed, committee_member, client_for, url):
    assert client_for(committee_member).get(url).status_code == 404


def test_it_never_writes(seed, admin_user, client_for):
    response = client_for(admin_user).post("/api/v1/contracts/ICT/failures/", {})
    assert response.status_code == 405
