"""Open plans and their progress where the committee looks: the KPI page, the scorecard, the
committee pack and its PDF, the regime's persistent failures and the API. A plan answering a
quarter still in draft is shown only to those working on the contract, never in a pack or the
API."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kpis.models import Kpi
from plans.choices import ActionState, PlanState
from tests.kpis.returns import Q3, start_return
from tests.plans.making import a_plan, an_action

PACK = "/contracts/ICT/pack/2019-03-31/"
PUBLIC_TITLE = "Resolve incidents on time again"
DRAFT_TITLE = "Answer the phone sooner"
LATER_TITLE = "Keep the network up"


@pytest.fixture
def plans(seed, officer):
    """ICT's KPI 8, a persistent failure by Mar-19, with a plan in progress (one action of two
    done); KPI 1 with a plan answering Dec-19, still in draft; KPI 2 with one answering Jun-19,
    after the Mar-19 pack's quarter; and a completed plan, which is no longer open."""
    kpis = {k.reference: k for k in Kpi.objects.filter(contract=seed["ICT"])}
    start_return(officer, seed["ICT"], Q3)
    public = a_plan(
        kpis["8"],
        title=PUBLIC_TITLE,
        first=datetime.date(2018, 9, 30),
        last=datetime.date(2019, 3, 31),
        state=PlanState.IN_PROGRESS,
    )
    an_action(public, state=ActionState.DONE, done_on=datetime.date(2019, 5, 1))
    an_action(public, description="Retrain the night shift")
    draft = a_plan(kpis["1"], title=DRAFT_TITLE, first=Q3)
    later = a_plan(kpis["2"], title=LATER_TITLE, first=datetime.date(2019, 6, 30))
    a_plan(kpis["3"], title="Closed already", state=PlanState.COMPLETED)
    return {"public": public, "draft": draft, "later": later, "kpis": kpis}


def test_the_kpi_page_lists_its_open_plans(client, committee_member, manager, plans):
    kpi = plans["kpis"]["8"]
    client.force_login(committee_member)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert PUBLIC_TITLE in page and "1 of 2 actions done" in page
    assert "Open a rectification plan" not in page
    assert DRAFT_TITLE not in client.get(plans["kpis"]["1"].get_absolute_url()).content.decode()
    client.force_login(manager)
    assert "Open a rectification plan" in client.get(kpi.get_absolute_url()).content.decode()
    assert DRAFT_TITLE in client.get(plans["kpis"]["1"].get_absolute_url()).content.decode()


def test_the_scorecard_lists_open_plans_with_their_progress(
    client, committee_member, officer, plans
):
    client.force_login(committee_member)
    page = client.get("/contracts/ICT/").content.decode()
    section = page.split('id="plans"')[1]
    assert PUBLIC_TITLE in section and "1 of 2 actions done" in section
    assert LATER_TITLE in section
    assert DRAFT_TITLE not in section and "Closed already" not in section
    client.force_login(officer)
    assert DRAFT_TITLE in client.get("/contracts/ICT/").content.decode()


def test_the_pack_and_its_pdf_list_the_plans_anyone_may_read(client, manager, plans):
    client.force_login(manager)
    page = client.get(PACK).content.decode()
    section = page.split("Rectification plans</h2>")[1]
    assert PUBLIC_TITLE in section and "1 of 2 actions done" in section
    # The plan answering a failure of the pack's own quarter is there whatever became of it.
    assert "Closed already" in section and "Completed" in section
    # Drafts are never in a pack, whoever prints it; nor plans for quarters after the pack's.
    for title in (DRAFT_TITLE, LATER_TITLE):
        assert title not in section, title
    later = client.get("/contracts/ICT/pack/2019-06-30/").content.decode()
    section = later.split("Rectification plans</h2>")[1]
    # A later pack: the plans still open, not one closed for an earlier quarter.
    assert LATER_TITLE in section and PUBLIC_TITLE in section
    assert "Closed already" not in section

    pdf = client.get(f"{PACK}pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rectification plans" in text
    assert PUBLIC_TITLE in text and "1 of 2 actions done" in text
    assert DRAFT_TITLE not in text and LATER_TITLE not in text


def test_the_regimes_persistent_failure_links_the_plan_that_answers_it(
    client, committee_member, plans
):
    url = reverse("plan_detail", args=["ICT", plans["public"].pk])
    client.force_login(committee_member)
    for address in ("/contracts/ICT/regime/", PACK):
        page = client.get(address).content.decode()
        escalation = page.split("missed its target 3 quarters running")[1].split("</li>")[0]
        assert f'href="{url}">Rectification plan: {PUBLIC_TITLE} (in progress' in escalation


def test_the_api_lists_a_contracts_plans_anyone_may_read(
    client, client_for, committee_member, plans
):
    response = client_for(committee_member).get("/api/v1/contracts/ICT/plans/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["title"] for r in rows] == [LATER_TITLE, PUBLIC_TITLE, "Closed already"]
    row = rows[1]
    assert row["kpi_reference"] == "8" and row["state"] == "in_progress"
    assert (row["first_quarter_end"], row["last_quarter_end"]) == ("2018-09-30", "2019-03-31")
    assert (row["actions"], row["actions_done"], row["actions_overdue"]) == (2, 1, 1)
    assert row["due_on"] == "2019-04-18" and row["overdue"] is False
    assert rows[0]["overdue"] is True  # requested, and due in April 2019
    assert client.get("/api/v1/contracts/ICT/plans/").status_code == 401
    assert client_for(committee_member).get("/api/v1/contracts/NOPE/plans/").status_code == 404


def test_a_pack_with_no_open_plan_says_nothing_of_plans(client, committee_member, seed):
    client.force_login(committee_member)
    assert "rectification plan" not in client.get(PACK).content.decode().lower()
