"""The regime's pages: the contract's failures and credits, money on the scorecard, the pack's
section and the relief form."""

import pytest
from django.urls import reverse

from tests.kpis.growth import grow

PACK_MAR_19 = "/contracts/ICT/pack/2019-03-31/"


def test_it_shows_ict_s_failures_reliefs_and_persistent_failures(client, seed, committee_member):
    client.force_login(committee_member)
    page = client.get("/contracts/ICT/regime/").content.decode()
    assert "Service failures and credits" in page
    assert "PCC agreed to mitigate" in page
    assert "reached the failure threshold" in page  # KPI 11 in Jun-19
    assert "missed its target 3 quarters running" in page  # KPI 8 by Mar-19
    assert "Record relief" not in page


def test_the_partnership_has_no_failures_in_2018_19(client, seed, committee_member):
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/regime/").content.decode()
    assert "reached the failure threshold" not in page
    assert "2018/19" in page


def test_the_scorecard_shows_term_extensions_and_budget(client, seed, committee_member):
    client.force_login(committee_member)
    herts = client.get("/contracts/HERTS/").content.decode()
    assert "£48,000,000" in herts and "£1,342,000" in herts
    assert "31 March 2021" in herts
    pssp = client.get("/contracts/PSSP/").content.decode()
    for figure in ("£5,952,000", "£32,000", "£5,984,000", "£8,250,000", "£2,266,000"):
        assert figure in pssp
    assert "overspend" in pssp
    assert reverse("regime", args=["PSSP"]) in pssp


def test_the_pack_carries_the_quarter_s_regime_and_the_year_s_budget(
    client, seed, committee_member
):
    client.force_login(committee_member)
    page = client.get(PACK_MAR_19).content.decode()
    assert "Service failures, credits and budget" in page
    assert "PCC agreed to mitigate" in page
    assert "missed its target 3 quarters running" in page
    for figure in ("£5,339,000", "£314,000", "£5,653,000", "£6,147,000", "£494,000"):
        assert figure in page


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # session, user, contract, the regime's small tables (settings, schemes, charges,
        # credits applied, reliefs and who recorded them, the KPIs' weights) with the contract's
        # quarters and the KPIs' changes of rule in one query, the KPIs, their readings, the
        # rectification plans answering its persistent failures, and groups (for the relief
        # button)
        ("/contracts/ICT/regime/", 8),
    ],
)
@pytest.mark.parametrize("grown", [False, True], ids=["seed", "seed-plus-more"])
def test_it_pins_the_page_s_queries(
    client, seed, committee_member, django_assert_num_queries, url, queries, grown
):
    if grown:
        grow(seed["ICT"])
    client.force_login(committee_member)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_scorecard_flags_persistent_failures_of_the_latest_approved_quarter(
    client, seed, committee_member
):
    client.force_login(committee_member)
    pssp = client.get("/contracts/PSSP/").content.decode()
    assert "In Sep-19, the latest approved quarter, 1 KPI is a persistent failure:" in pssp
    assert "missed its target 6 quarters running (Jun-18, Sep-18, Dec-18, Mar-19" in pssp
    ict = client.get("/contracts/ICT/").content.decode()
    assert "No KPI is a persistent failure in Sep-19, the latest approved quarter." in ict
