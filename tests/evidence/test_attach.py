"""Attaching a file to a figure or a plan through the pages: the kind and size are checked from
the file itself, and a refusal is a message beside the field with the description kept."""

import datetime

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from evidence.models import Evidence
from kpis.models import Kpi
from tests.evidence.making import EXE, PDF, plain_zip, upload, xlsx
from tests.kpis.returns import Q3, start_return
from tests.plans.making import a_plan

MAR_19 = datetime.date(2019, 3, 31)


@pytest.fixture
def draft(seed, officer):
    return start_return(officer, seed["ICT"])


@pytest.fixture
def kpi(seed):
    return Kpi.objects.get(contract=seed["ICT"], reference="1")


def _url(kpi, end=Q3) -> str:
    return reverse("figure_evidence", args=["ICT", end.isoformat(), kpi.pk])


def _attach(client, kpi, content: bytes, name: str, description="Call logs for December"):
    return client.post(_url(kpi), {"file": upload(name, content), "description": description})


def test_it_attaches_a_file_to_a_draft_figure(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, xlsx(), "December calls.xlsx")
    assert response.status_code == 302
    row = Evidence.objects.get()
    assert (row.kpi, row.period, row.plan) == (kpi, draft.period, None)
    assert (row.name, row.kind, row.added_by) == ("December calls.xlsx", "xlsx", officer)
    # Stored under a name nobody chose, with the extension of what the contents are.
    stored = str(row.file.name)
    assert stored.startswith("ICT/") and stored.endswith(".xlsx")
    assert "December" not in stored
    page = client.get(_url(kpi)).content.decode()
    assert "December calls.xlsx" in page and "Call logs for December" in page


def test_it_refuses_a_file_over_10_mb_beside_the_field(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, PDF + b"0" * (10_000_001 - len(PDF)), "big.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file is 10.0 MB: it must be 10 MB or smaller." in page
    assert 'id="id_file-error"' in page
    # What was typed comes back; nothing was stored.
    assert 'value="Call logs for December"' in page
    assert not Evidence.objects.exists()


def test_it_takes_a_file_of_exactly_10_mb(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, PDF + b"0" * (10_000_000 - len(PDF)), "big.pdf")
    assert response.status_code == 302
    assert Evidence.objects.get().size == 10_000_000


def test_a_body_far_over_the_limit_is_refused_unread(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, PDF + b"0" * 12_000_000, "huge.pdf")
    assert response.status_code == 413
    assert "at most 11 MB" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("name", ["calls.pdf", "figures.xlsx", "notes.csv"])
def test_it_refuses_a_renamed_program(client, officer, draft, kpi, name):
    client.force_login(officer)
    response = _attach(client, kpi, EXE, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is a program, whatever its name says" in page
    assert 'href="#id_file"' in page  # the error summary leads to the field
    assert not Evidence.objects.exists()
    assert not storages["evidence"].listdir("")[1]


def test_it_refuses_a_zip_that_is_no_office_file(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, plain_zip(), "figures.xlsx")
    assert response.status_code == 400
    assert "not of a kind accepted here" in response.content.decode()


def test_it_asks_for_a_description(client, officer, draft, kpi):
    client.force_login(officer)
    response = _attach(client, kpi, PDF, "calls.pdf", description="  ")
    assert response.status_code == 400
    assert "Say in a line what the file shows" in response.content.decode()


def test_the_officer_attaches_nothing_to_an_approved_quarter(client, officer, manager, seed, kpi):
    client.force_login(officer)
    approved = client.post(_url(kpi, MAR_19), {"file": upload(), "description": "Late evidence"})
    assert approved.status_code == 400
    assert "approved and is locked" in approved.content.decode()
    assert not Evidence.objects.exists()


def test_the_committee_attaches_nothing(client, committee_member, seed, kpi):
    client.force_login(committee_member)
    response = client.post(_url(kpi, MAR_19), {"file": upload(), "description": "Mine"})
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_it_attaches_a_file_to_a_plan(client, officer, seed, kpi):
    plan = a_plan(kpi)
    client.force_login(officer)
    url = reverse("plan_evidence", args=["ICT", plan.pk])
    response = client.post(url, {"file": upload("plan.pdf"), "description": "The supplier's plan"})
    assert response.status_code == 302
    assert Evidence.objects.get().plan == plan
    page = client.get(reverse("plan_detail", args=["ICT", plan.pk])).content.decode()
    assert "plan.pdf" in page and "The supplier&#x27;s plan" in page
