"""Evidence follows its figure: a draft's files are a 404 to the committee and to other
contracts' officers, on every page and at the one address that sends a file; an approved
quarter's are everyone's. Files go out as downloads, never shown inline."""

import datetime

import pytest
from django.urls import reverse

from evidence.models import Evidence
from kpis.models import Kpi, ReportingPeriod
from tests.evidence.making import PDF, a_file
from tests.kpis.returns import Q3, start_return
from tests.plans.making import a_plan

MAR_19 = datetime.date(2019, 3, 31)


@pytest.fixture
def kpi(seed):
    return Kpi.objects.get(contract=seed["ICT"], reference="1")


@pytest.fixture
def draft_file(seed, officer, kpi) -> Evidence:
    draft = start_return(officer, seed["ICT"])
    return a_file(officer, contract=seed["ICT"], kpi=kpi, period=draft.period, name="draft.pdf")


@pytest.fixture
def approved_file(seed, officer, kpi) -> Evidence:
    period = ReportingPeriod.objects.get(end_date=MAR_19)
    return a_file(officer, contract=seed["ICT"], kpi=kpi, period=period, name="approved.pdf")


def _download(row) -> str:
    return reverse("evidence_download", args=["ICT", row.pk])


@pytest.mark.parametrize("reader", ["committee_member", "outsider"])
def test_a_drafts_evidence_is_a_404_to_those_who_may_not_see_the_draft(
    request, client, draft_file, kpi, reader
):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(_download(draft_file)).status_code == 404
    assert client.get(reverse("evidence_remove", args=["ICT", draft_file.pk])).status_code == 404
    figure_page = reverse("figure_evidence", args=["ICT", Q3.isoformat(), kpi.pk])
    assert client.get(figure_page).status_code == 404
    assert "draft.pdf" not in client.get(kpi.get_absolute_url()).content.decode()


@pytest.mark.parametrize("reader", ["officer", "manager", "admin_user"])
def test_those_working_on_the_contract_download_a_drafts_evidence(
    request, client, draft_file, kpi, reader
):
    client.force_login(request.getfixturevalue(reader))
    response = client.get(_download(draft_file))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="draft.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "draft.pdf" in client.get(kpi.get_absolute_url()).content.decode()
    return_page = reverse("return_detail", args=["ICT", Q3.isoformat()])
    assert "draft.pdf" in client.get(return_page).content.decode()


@pytest.mark.parametrize("reader", ["committee_member", "outsider"])
def test_an_approved_quarters_evidence_is_everyones(request, client, approved_file, kpi, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(_download(approved_file)).status_code == 200
    assert "approved.pdf" in client.get(kpi.get_absolute_url()).content.decode()


def test_the_contract_in_the_address_must_be_the_files(client, officer, approved_file):
    client.force_login(officer)
    assert (
        client.get(reverse("evidence_download", args=["PSSP", approved_file.pk])).status_code == 404
    )


def test_nobody_signed_out_gets_a_file(client, approved_file):
    response = client.get(_download(approved_file))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_removed_file_is_no_longer_sent(client, officer, approved_file):
    Evidence.objects.filter(pk=approved_file.pk).update(
        removed_at=approved_file.added_at, removed_by=officer, removal_reason="Wrong file"
    )
    client.force_login(officer)
    assert client.get(_download(approved_file)).status_code == 404


@pytest.mark.parametrize("reader", ["committee_member", "outsider"])
def test_a_plan_on_a_draft_quarter_keeps_its_evidence_from_those_who_may_not_see_it(
    request, client, seed, officer, kpi, reader
):
    draft = start_return(officer, seed["ICT"])
    plan = a_plan(kpi, first=Q3)
    row = a_file(officer, contract=seed["ICT"], plan=plan, name="plan.pdf")
    assert draft.state == "draft"
    client.force_login(request.getfixturevalue(reader))
    assert client.get(_download(row)).status_code == 404
    assert client.get(reverse("plan_evidence", args=["ICT", plan.pk])).status_code == 404
