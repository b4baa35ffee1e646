"""The pages of notices: who sees what (an outsider gets a 404 for a draft, the committee a 403
for a form), the forms keeping what was typed beside their errors, and the downloads."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone

from notices.choices import NoticeState, Rating
from notices.content import REGULATION_39_FIELDS, SUPPLIER_FIELDS
from notices.models import Breach, PerformanceNotice
from tests.notices.making import a_notice, under_act


@pytest.fixture
def ict(seed):
    return under_act(seed["ICT"])


@pytest.fixture
def draft(ict, officer):
    return a_notice(ict, officer)


@pytest.fixture
def published(ict, officer):
    return a_notice(ict, officer, published=True)


def _url(notice, tail: str = "") -> str:
    return f"/contracts/{notice.contract.code}/notices/{notice.pk}/{tail}"


def test_it_lists_the_notices_owed_and_the_flag(client, manager, ict):
    client.force_login(manager)
    page = client.get("/contracts/ICT/notices/").content.decode()
    assert "Contract Performance Notice (at least once every 12 months)" in page
    assert "Draft a notice" in page and "Record a breach" in page
    # Three KPIs published: no flag. Two: flagged.
    assert "must publish at least 3" not in page
    ict.kpis.filter(reference="8").update(published=False)
    page = client.get("/contracts/ICT/notices/").content.decode()
    assert "This contract publishes 2 KPIs" in page


def test_the_committee_reads_published_notices_never_drafts(
    client, committee_member, draft, published
):
    client.force_login(committee_member)
    page = client.get("/contracts/ICT/notices/").content.decode()
    assert _url(published) in page and _url(draft) not in page
    assert "Draft a notice" not in page
    assert client.get(_url(published)).status_code == 200
    assert client.get(_url(draft)).status_code == 404
    assert client.get("/contracts/ICT/notices/new/").status_code == 403
    assert client.get("/contracts/ICT/breaches/new/").status_code == 403


def test_an_outsider_gets_a_404_for_drafts_and_forms(client, outsider, draft, published):
    client.force_login(outsider)
    assert client.get(_url(draft)).status_code == 404
    assert client.get(_url(draft, f"ratings/{draft.ratings.get().pk}/")).status_code == 404
    assert client.post(_url(draft, "approve/")).status_code == 404
    assert client.get("/contracts/ICT/notices/new/").status_code == 404
    assert client.get("/contracts/ICT/breaches/new/").status_code == 404
    # Published notices are anyone's to read.
    assert client.get(_url(published)).status_code == 200


def test_an_officer_reads_drafts_but_neither_drafts_nor_approves(client, officer, draft):
    client.force_login(officer)
    page = client.get(_url(draft)).content.decode()
    assert "Approve and publish" not in page and "Change the rating" not in page
    assert client.get("/contracts/ICT/notices/new/").status_code == 403
    assert client.post(_url(draft, "approve/")).status_code == 403
    assert PerformanceNotice.objects.get(pk=draft.pk).state == NoticeState.DRAFT


def test_a_manager_drafts_from_the_page_with_the_period_offered(client, manager, ict):
    client.force_login(manager)
    page = client.get("/contracts/ICT/notices/new/").content.decode()
    # The last four approved quarters are offered, and the rule is stated.
    assert 'value="2018-10-01"' in page and 'value="2019-09-30"' in page
    assert "Every counted quarter met: Good." in page
    bad = {"kind": "periodic", "period_start": "2018-04-01", "period_end": "2019-06-30"}
    response = client.post("/contracts/ICT/notices/new/", bad)
    page = response.content.decode()
    assert "12 months at most" in page and 'value="2019-06-30"' in page
    good = {**bad, "period_end": "2019-03-31"}
    response = client.post("/contracts/ICT/notices/new/", good)
    notice = PerformanceNotice.objects.get()
    assert response.url == notice.get_absolute_url()
    page = client.get(response.url).content.decode()
    # Whoever drafted it is told that someone else approves it.
    assert "someone else must approve it" in page and "Relief granted" in page


def test_changing_a_rating_without_justification_keeps_what_was_typed(client, manager, draft):
    client.force_login(manager)
    row = draft.ratings.get()
    other = Rating.INADEQUATE if row.proposed != Rating.INADEQUATE else Rating.GOOD
    url = _url(draft, f"ratings/{row.pk}/")
    page = client.post(url, {"rating": other, "justification": ""}).content.decode()
    assert "Say why the rating differs" in page
    assert f'value="{other}" checked' in page
    response = client.post(url, {"rating": other, "justification": "Seen on site."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.rating, row.justification) == (other, "Seen on site.")


def test_a_manager_records_a_breach_and_its_notice_falls_due(client, manager, ict):
    client.force_login(manager)
    response = client.post(
        "/contracts/ICT/breaches/new/",
        {"occurred_on": "2019-05-01", "outcome": "damages", "description": ""},
    )
    assert "Say what happened" in response.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        "/contracts/ICT/breaches/new/",
        {"occurred_on": tomorrow.isoformat(), "outcome": "damages", "description": "Outage."},
    )
    assert "The outcome of a breach cannot be on a day still to come" in response.content.decode()
    client.post(
        "/contracts/ICT/breaches/new/",
        {"occurred_on": "2019-05-01", "outcome": "damages", "description": "Outage."},
    )
    assert Breach.objects.get().notice_due_on.isoformat() == "2019-05-31"
    page = client.get("/contracts/ICT/notices/").content.decode()
    assert "Notice after the breach of 1 May 2019 (damages were awarded)" in page


def test_the_json_holds_exactly_regulation_39s_fields(client, committee_member, published):
    client.force_login(committee_member)
    response = client.get(_url(published, "notice.json"))
    fields = json.loads(response.content)
    assert tuple(fields) == REGULATION_39_FIELDS
    assert tuple(fields["suppliers"][0]) == SUPPLIER_FIELDS
    assert fields["suppliers"][0] == {
        "name": "Serco Limited",
        "postal_address": "Serco House, 16 Bartley Wood Business Park, Hook RG27 9UY",
        "email_address": "contracts@serco.example",
        "unique_identifier": "02048608",
    }
    assert fields["period_assessed"] == {"start_date": "2018-04-01", "end_date": "2019-03-31"}
    assert [set(k) for k in fields["key_performance_indicators"]] == [
        {"reference", "description", "rating"}
    ]
    assert fields["contracting_authority"] == "Peterborough City Council"


def test_the_csv_print_and_pdf_downloads(client, committee_member, published, draft):
    client.force_login(committee_member)
    rows = list(
        csv.DictReader(io.StringIO(client.get(_url(published, "notice.csv")).content.decode()))
    )
    assert len(rows) == 1 and rows[0]["supplier_unique_identifier"] == "02048608"
    assert "Serco Limited" in client.get(_url(published, "print/")).content.decode()
    pdf = client.get(_url(published, "notice.pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_draft_has_no_downloads(client, manager, draft):
    client.force_login(manager)
    for tail in ("notice.json", "notice.csv", "print/", "notice.pdf"):
        assert client.get(_url(draft, tail)).status_code == 404


def test_a_second_manager_approves_on_the_page(client, manager, draft):
    client.force_login(manager)
    response = client.post(_url(draft, "approve/"))
    assert response.status_code == 302
    notice = PerformanceNotice.objects.get(pk=draft.pk)
    assert notice.is_published and notice.approved_by == manager
    page = client.get(_url(notice)).content.decode()
    assert "Approved and published" in page and notice.sha256 in page


def test_whoever_drafted_is_told_someone_else_approves_rather_than_offered_the_button(
    client, ict, manager, django_user_model
):
    from contracts.roles import Role
    from tests.conftest import _user

    notice = a_notice(ict, manager)
    client.force_login(manager)
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "Approve and publish the notice" not in page
    assert "You drafted this notice or changed one of its ratings" in page
    client.force_login(_user(django_user_model, "manager2", Role.MANAGER, [ict]))
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "Approve and publish the notice" in page
    assert "You drafted this notice" not in page


def test_discarding_a_draft_asks_first(client, ict, manager):
    notice = a_notice(ict, manager)
    client.force_login(manager)
    url = f"/contracts/ICT/notices/{notice.pk}/discard/"
    page = client.post(url).content.decode()
    assert "Discard this draft notice?" in page and "Yes, discard the draft" in page
    assert PerformanceNotice.objects.filter(pk=notice.pk).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not PerformanceNotice.objects.filter(pk=notice.pk).exists()
