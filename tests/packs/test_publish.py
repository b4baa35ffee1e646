"""Publishing a quarter's pack: approved quarters only, by a manager, frozen for good."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from kpis.models import QuarterlyReturn
from kpis.writes import saving, workflow
from packs.models import PublishedPack
from packs.services import publish_pack
from tests.kpis.returns import Q3, fill_return, reading_in, row_entry, start_return

Q4_18 = "2019-03-31"


def _approved_q3(officer, manager, seed) -> QuarterlyReturn:
    quarterly_return = start_return(officer, seed["PSSP"])
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    return quarterly_return


def test_a_manager_publishes_a_pack_with_its_pdf_data_and_checksum(client, manager, seed):
    client.force_login(manager)
    response = client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"})
    pack = PublishedPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contracts/PSSP/packs/{pack.pk}/"
    assert (pack.version, pack.published_by, str(pack.period.end_date)) == (1, manager, Q4_18)
    assert pack.sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()
    text = PdfReader(io.BytesIO(bytes(pack.pdf))).pages[0].extract_text()
    assert "published by Manager (version 1)" in text
    figures = {(f["reference"], f["end_date"]): f for f in pack.data["figures"]}
    parking = figures[("R&B-K-009", Q4_18)]
    assert (parking["figure"], parking["status"]) == ("8", "below_target")
    assert parking["target"] == "≥ 14%"
    assert pack.data["scorecard"]["total"] == {"measured": 73, "met": 68}

    page = client.get(response["Location"])
    assert pack.sha256 in page.content.decode()
    assert "Published by" in page.content.decode()
    download = client.get(f"/contracts/PSSP/packs/{pack.pk}/pdf")
    assert download.content == bytes(pack.pdf)
    assert download["Content-Type"] == "application/pdf"
    scorecard = client.get("/contracts/PSSP/").content.decode()
    assert "Committee packs published" in scorecard
    assert f'href="/contracts/PSSP/packs/{pack.pk}/"' in scorecard


def test_publishing_refuses_an_unapproved_quarter(client, officer, manager, seed):
    quarterly_return = start_return(officer, seed["PSSP"])
    with pytest.raises(ValidationError, match="its return is not approved"):
        publish_pack(contract=seed["PSSP"], quarter=Q3.isoformat(), user=manager)
    client.force_login(manager)
    response = client.post(f"/contracts/PSSP/pack/{Q3}/publish", {"confirm": "yes"}, follow=True)
    assert "Dec-19 cannot be published: its return is not approved." in response.content.decode()
    saving.save_return(
        quarterly_return=quarterly_return, user=officer, entries=fill_return(quarterly_return)
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    with pytest.raises(ValidationError, match="not approved"):
        publish_pack(contract=seed["PSSP"], quarter=Q3.isoformat(), user=manager)
    assert not PublishedPack.objects.exists()


def test_the_committee_and_officers_may_not_publish(client, committee_member, officer, seed):
    client.force_login(committee_member)
    assert (
        client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"}).status_code == 403
    )
    assert b"Publish this pack" not in client.get(f"/contracts/PSSP/pack/{Q4_18}/").content
    with pytest.raises(PermissionDenied):
        publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=officer)
    assert not PublishedPack.objects.exists()


def test_an_officer_of_another_contract_gets_a_404(client, outsider, manager, seed):
    pack, _ = publish_pack(contract=seed["PSSP"], quarter=Q4_18, user=manager)
    client.force_login(outsider)
    assert (
        client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"}).status_code == 404
    )
    assert client.get(f"/contracts/ICT/packs/{pack.pk}/").status_code == 404
    assert client.get(f"/contracts/ICT/packs/{pack.pk}/pdf").status_code == 404
    # Published figures are approved figures: any reader of the contract may read the pack.
    assert client.get(f"/contracts/PSSP/packs/{pack.pk}/").status_code == 200


def test_a_published_pack_never_changes_and_a_republication_is_a_new_version(
    officer, manager, seed
):
    quarterly_return = _approved_q3(officer, manager, seed)
    first, _ = publish_pack(contract=seed["PSSP"], quarter=Q3.isoformat(), user=manager)
    stored = (bytes(first.pdf), first.sha256, first.data)
    with pytest.raises(ValueError, match="never changes"):
        first.save()

    workflow.reopen_return(quarterly_return=quarterly_return, user=manager, reason="Audit")
    parking = reading_in(quarterly_return, "R&B-K-009")
    saving.save_return(
        quarterly_return=quarterly_return,
        user=manager,
        entries=[row_entry(parking, 12, commentary="Late payments")],
    )
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    workflow.approve_return(quarterly_return=quarterly_return, user=manager)
    second, _ = publish_pack(contract=seed["PSSP"], quarter=Q3.isoformat(), user=manager)

    first = PublishedPack.objects.get(pk=first.pk)
    assert (bytes(first.pdf), first.sha256, first.data) == stored
    assert (first.version, second.version) == (1, 2)
    assert second.sha256 != first.sha256
    figure = next(
        f
        for f in second.data["figures"]
        if f["reference"] == "R&B-K-009" and f["end_date"] == Q3.isoformat()
    )
    assert figure["figure"] == "12"


def test_the_pack_page_offers_publishing_to_a_manager_of_an_approved_quarter(client, manager, seed):
    client.force_login(manager)
    assert b"Publish this pack" in client.get(f"/contracts/PSSP/pack/{Q4_18}/").content


def test_publishing_asks_first_and_publishes_only_when_confirmed(client, manager, seed):
    client.force_login(manager)
    asked = client.post(f"/contracts/PSSP/pack/{Q4_18}/publish")
    assert asked.status_code == 200
    assert "Publish the pack for 2018/19 Q4 (to 31 March 2019)?" in asked.content.decode()
    assert not PublishedPack.objects.exists()
    client.post(f"/contracts/PSSP/pack/{Q4_18}/publish", {"confirm": "yes"})
    assert PublishedPack.objects.count() == 1
