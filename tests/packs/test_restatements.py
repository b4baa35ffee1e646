"""A figure changed after its pack was published is shown as restated, wherever it appears."""

import hashlib

import pytest

from kpis.models import Kpi, QuarterlyReturn, Reading
from kpis.writes import saving, workflow
from packs.models import PublishedPack
from packs.services import publish_pack
from tests.kpis.returns import reading_in, row_entry

Q4_18 = "2019-03-31"
REASON = "The supplier recounted parking debt after an audit."


@pytest.fixture
def restated(seed, officer, manager):
    """PSSP's 2018/19 Q4 pack published, then R&B-K-009 restated from 8% to 12%."""
    pack, _ = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date=Q4_18)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason=REASON)
    reading = reading_in(quarterly_return, "R&B-K-009")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=officer,
        entries=[row_entry(reading, 12, commentary="Recovery still below target.")],
    )
    # The seed's misses carry no commentary, which submitting asks for.
    Reading.objects.filter(period=quarterly_return.period, commentary="").update(
        commentary="As printed in the report."
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    return pack


def test_the_published_pack_is_unchanged_by_the_new_figure(restated):
    pack = PublishedPack.objects.get(pk=restated.pk)
    assert bytes(pack.pdf) == bytes(restated.pdf)
    assert pack.sha256 == restated.sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()
    figure = next(
        f for f in pack.data["figures"] if f["reference"] == "R&B-K-009" and f["end_date"] == Q4_18
    )
    assert figure["figure"] == "8"


def test_the_restatements_page_lists_it_with_old_and_new_figures_who_and_why(
    client, committee_member, restated
):
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/restatements/").content.decode()
    assert "R&amp;B-K-009</a>, Mar-19" in page
    assert "8%" in page and "12%" in page
    assert REASON in page
    assert "Officer," in page
    assert f'href="/contracts/PSSP/packs/{restated.pk}/"' in page


def test_the_live_pack_the_kpi_page_and_the_kpi_table_mark_it(client, committee_member, restated):
    client.force_login(committee_member)
    summary = (
        "Published as 8% (below target) in version 1 of the Mar-19 pack; now 12% (below target)."
    )
    pack = client.get(f"/contracts/PSSP/pack/{Q4_18}/").content.decode()
    assert summary in pack
    table = client.get("/contracts/PSSP/kpis/?year=2018").content.decode()
    assert 'href="/contracts/PSSP/restatements/"' in table and ">Restated<" in table
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    assert summary in client.get(kpi.get_absolute_url()).content.decode()


def test_the_next_pack_carries_it_as_restated_since_the_last_pack(
    client, committee_member, restated
):
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/pack/2019-06-30/").content.decode()
    assert "Restated since the last pack" in page
    section = page.split("Restated since the last pack")[1]
    assert "8%" in section and "12%" in section and REASON in section
    # The quarter's own pack does not list itself as restated since the last one.
    own = client.get(f"/contracts/PSSP/pack/{Q4_18}/").content.decode()
    assert "No figure of an earlier quarter has changed" in own


def test_a_reopened_quarter_shows_no_restatement_until_approved_again(
    client, committee_member, manager, seed
):
    publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    quarterly_return = QuarterlyReturn.objects.get(contract=seed["PSSP"], period__end_date=Q4_18)
    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason=REASON)
    reading = reading_in(quarterly_return, "R&B-K-009")
    saving.save_return(
        quarterly_return=quarterly_return, user=manager, entries=[row_entry(reading, 12)]
    )
    client.force_login(committee_member)
    page = client.get("/contracts/PSSP/restatements/").content.decode()
    assert "No published figure has changed." in page


@pytest.mark.parametrize("grown", [False, True])
def test_the_new_pages_run_a_fixed_number_of_queries(
    client, committee_member, restated, seed, django_assert_num_queries, grown, manager
):
    if grown:
        publish_pack(contract=seed["PSSP"], quarter="2019-06-30", user=manager)
    client.force_login(committee_member)
    for url, expected in {
        "/contracts/PSSP/restatements/": 7,
        f"/contracts/PSSP/packs/{restated.pk}/": 4,
    }.items():
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_an_outsider_reads_restatements_of_contracts_they_may_read_only(client, outsider, seed):
    client.force_login(outsider)
    assert client.get("/contracts/NOPE/restatements/").status_code == 404
