"""An officer attaches evidence to a draft figure in the browser, a renamed program first, then
removes one with a reason; the committee reads an approved quarter's evidence. Every evidence
page, its forms with their errors too, and the panels on the return, KPI and plan pages pass axe
(WCAG 2.2 AA)."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi, ReportingPeriod
from tests.browser.conftest import assert_no_axe_violations
from tests.evidence.making import EXE, PDF, a_file
from tests.kpis.returns import start_return
from tests.plans.making import a_plan

MAR_19 = datetime.date(2019, 3, 31)


def _heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def _file(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def test_an_officer_attaches_and_removes_evidence_and_every_page_passes_axe(
    seed, officer, signed_in_page
):
    start_return(officer, seed["ICT"])
    page = signed_in_page(officer)

    page.goto("/contracts/ICT/returns/2019-12-31/")
    expect(page.get_by_role("heading", name="Evidence behind the figures")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Attach or remove files for 1", exact=True).click()
    _heading(page, "Evidence for 1")
    assert_no_axe_violations(page)

    page.get_by_label("File").set_input_files(_file("calls.pdf", EXE))
    page.get_by_label("What it shows").fill("Call logs for December")
    page.get_by_role("button", name="Attach the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This file is a program")
    expect(page.get_by_label("What it shows")).to_have_value("Call logs for December")
    assert_no_axe_violations(page)

    page.get_by_label("File").set_input_files(_file("calls.pdf", PDF))
    page.get_by_role("button", name="Attach the file").click()
    expect(page.get_by_role("link", name="calls.pdf", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Remove calls.pdf", exact=False).click()
    _heading(page, "Remove “calls.pdf”")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for removing it")
    assert_no_axe_violations(page)
    page.get_by_label("Why it is being removed").fill("The wrong month's logs")
    page.get_by_role("button", name="Remove the file").click()
    expect(page.locator("main")).to_contain_text("No file is attached.")


def test_the_committee_reads_an_approved_quarters_and_a_plans_evidence(
    seed, officer, committee_member, signed_in_page
):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="1")
    approved = ReportingPeriod.objects.get(end_date=MAR_19)
    a_file(officer, contract=seed["ICT"], kpi=kpi, period=approved, name="march.pdf")
    plan = a_plan(kpi)
    a_file(officer, contract=seed["ICT"], plan=plan, name="plan.pdf")
    page = signed_in_page(committee_member)

    page.goto(kpi.get_absolute_url())
    expect(page.get_by_role("link", name="march.pdf")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/contracts/ICT/returns/2019-03-31/kpis/{kpi.pk}/evidence/")
    _heading(page, "Evidence for 1")
    expect(page.get_by_role("button", name="Attach the file")).to_have_count(0)
    assert_no_axe_violations(page)
    page.goto(f"/contracts/ICT/plans/{plan.pk}/")
    expect(page.get_by_role("link", name="plan.pdf")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="See the files on their own page").click()
    _heading(page, "Evidence for")
    assert_no_axe_violations(page)
