"""A manager opens a rectification plan in the browser, with a mistake first, then adds an action
and moves it on; an officer records progress. Every page of plans, its forms with their errors
too, and the panels that list plans pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi
from plans.choices import PlanState
from plans.models import Plan
from tests.browser.conftest import assert_no_axe_violations
from tests.plans.making import a_plan, an_action


def _heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def test_a_manager_opens_a_plan_and_every_plan_page_passes_axe(
    seed, manager, officer, signed_in_page
):
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="8")
    # An overdue plan with an overdue action, so that their flags are checked too.
    late = a_plan(Kpi.objects.get(contract=seed["ICT"], reference="1"), state=PlanState.AGREED)
    an_action(late, due_on=datetime.date(2019, 5, 31))
    page = signed_in_page(manager)

    page.goto("/contracts/ICT/plans/")
    _heading(page, "Rectification plans")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Open a rectification plan").click()
    _heading(page, "Open a rectification plan")
    assert_no_axe_violations(page)

    page.get_by_label("KPI", exact=True).select_option(str(kpi.pk))
    page.get_by_label("What is the plan to put right?").fill("Resolve incidents on time again")
    page.get_by_label("A persistent failure").check()
    page.get_by_label("First quarter it answers").select_option("2018-09-30")
    page.get_by_label("Last quarter it answers").select_option("2019-03-31")
    page.get_by_label("Failure notified to the supplier on").fill("28 March 2024")
    page.get_by_role("button", name="Open the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a date like 2024-03-28")
    expect(page.get_by_label("Failure notified to the supplier on")).to_have_value("28 March 2024")
    assert_no_axe_violations(page)
    page.get_by_label("Failure notified to the supplier on").fill("2024-03-28")
    page.get_by_role("button", name="Open the plan").click()

    _heading(page, "Resolve incidents on time again")
    expect(page.locator("main")).to_contain_text("Monday 15 April 2024")
    assert_no_axe_violations(page)
    plan = Plan.objects.get(kpi=kpi)

    page.get_by_role("link", name="Add an action").click()
    _heading(page, "Add an action")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what is to be done")
    assert_no_axe_violations(page)
    page.get_by_label("What is to be done?").fill("Recruit two analysts")
    page.get_by_label("Who owns it?").fill("Sam Patel, service desk manager")
    page.get_by_label("Due on").fill("2024-05-31")
    page.get_by_role("button", name="Add the action").click()

    page.get_by_role("link", name="Change the plan").click()
    _heading(page, "Change the plan")
    assert_no_axe_violations(page)
    page.get_by_label("The supplier's root cause").fill("Two analysts left")
    page.get_by_label("Why are you making this change?").fill("The supplier's root cause came")
    page.get_by_role("button", name="Save the changes").click()

    page.get_by_role("link", name="Change its state").click()
    _heading(page, "Change the state")
    page.get_by_role("button", name="Change the state").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what the plan is now")
    assert_no_axe_violations(page)
    page.get_by_label("Agreed").check()
    page.get_by_label("Why are you making this change?").fill("Root cause and actions accepted")
    page.get_by_role("button", name="Change the state").click()
    expect(page.locator("main")).to_contain_text("Agreed")

    action = plan.actions.get()
    page.goto(f"/contracts/ICT/plans/{plan.pk}/actions/{action.pk}/change/")
    _heading(page, "Change an action")
    assert_no_axe_violations(page)

    # The panels that list plans, and the overdue flags beside them.
    for url in ("/contracts/ICT/", kpi.get_absolute_url(), "/contracts/ICT/pack/2019-03-31/"):
        page.goto(url)
        expect(page.locator("main")).to_contain_text("Resolve incidents on time again")
        assert_no_axe_violations(page)
    page.goto(f"/contracts/ICT/plans/{late.pk}/")
    expect(page.locator("main")).to_contain_text("Overdue")
    assert_no_axe_violations(page)

    officer_page = signed_in_page(officer)
    officer_page.goto(f"/contracts/ICT/plans/{plan.pk}/")
    officer_page.get_by_role("link", name="Record progress on action 1").click()
    _heading(officer_page, "Record progress on an action")
    officer_page.get_by_role("button", name="Record progress").click()
    expect(officer_page.locator(".govuk-error-summary")).to_contain_text(
        "Say how the action is going"
    )
    assert_no_axe_violations(officer_page)
    officer_page.get_by_label("Done", exact=True).check()
    officer_page.get_by_label("How is it going?").fill("Both analysts started")
    officer_page.get_by_role("button", name="Record progress").click()
    expect(officer_page.locator("main")).to_contain_text("1 of 1 action done")
