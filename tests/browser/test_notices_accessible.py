"""A manager drafts a Contract Performance Notice in the browser, with a mistake first, changes a
rating with a justification and records a breach; every page of notices, its forms with their
errors too, passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

from playwright.sync_api import expect

from notices.models import PerformanceNotice
from tests.browser.conftest import assert_no_axe_violations
from tests.notices.making import a_notice, under_act


def _heading(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


def test_a_manager_drafts_a_notice_and_every_notice_page_passes_axe(
    seed, manager, officer, signed_in_page
):
    ict = under_act(seed["ICT"])
    published = a_notice(ict, officer, published=True)
    page = signed_in_page(manager)

    page.goto("/contracts/ICT/")
    assert_no_axe_violations(page)
    page.goto("/")
    assert_no_axe_violations(page)
    page.goto("/returns/")
    assert_no_axe_violations(page)

    page.goto("/contracts/ICT/notices/")
    _heading(page, "Contract Performance Notices")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Draft a notice").click()
    _heading(page, "Draft a Contract Performance Notice")
    assert_no_axe_violations(page)
    page.get_by_label("First day of the period assessed").fill("2018-04-01")
    page.get_by_label("Last day of the period assessed").fill("2019-06-30")
    page.get_by_role("button", name="Draft the notice").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("12 months at most")
    expect(page.get_by_label("Last day of the period assessed")).to_have_value("2019-06-30")
    assert_no_axe_violations(page)
    page.get_by_label("Last day of the period assessed").fill("2019-03-31")
    page.get_by_role("button", name="Draft the notice").click()
    _heading(page, "Contract Performance Notice, 1 April 2018 to 31 March 2019")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Change the rating of 8").click()
    _heading(page, "Rating of 8")
    page.get_by_label("Requires improvement").check()
    page.get_by_role("button", name="Save the rating").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the rating differs")
    assert_no_axe_violations(page)
    page.get_by_label("Why does the rating differ from the one proposed?").fill("Recovered.")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.locator("main")).to_contain_text("Recovered.")
    assert PerformanceNotice.objects.drafts().count() == 1

    page.goto("/contracts/ICT/breaches/new/")
    _heading(page, "Record a breach")
    page.get_by_role("button", name="Record the breach").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what happened")
    assert_no_axe_violations(page)

    page.goto(published.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Approved and published")
    assert_no_axe_violations(page)
    page.goto(published.get_absolute_url() + "print/")
    assert_no_axe_violations(page)
