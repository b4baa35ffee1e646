"""Check your answers, the return as read and My returns on a 375 px phone: nothing pushes the
page sideways, the commentary and the submit button are on screen, and a tap on the button lands
on the button."""

from __future__ import annotations

import dataclasses

from playwright.sync_api import Page, expect

from kpis.writes import saving, workflow
from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.returns import Q3, fill_return, start_return

RETURN = "/contracts/PSSP/returns/2019-12-31/"
COMMENTARY = "Missed in November: a recovery plan is agreed with the supplier's manager."


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide on a 375 px screen"


def _on_screen(page: Page, box) -> None:
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box


def _ready_return(seed, officer):
    quarterly_return = start_return(officer, seed["PSSP"])
    entries = fill_return(quarterly_return)
    entries[0] = dataclasses.replace(entries[0], commentary=COMMENTARY)
    saving.save_return(quarterly_return=quarterly_return, user=officer, entries=entries)
    return quarterly_return


def test_check_your_answers_fits_a_phone_and_its_button_is_tapped(seed, officer, signed_in_page):
    _ready_return(seed, officer)
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(RETURN + "check/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    _no_sideways_scroll(page)
    commentary = page.get_by_text(COMMENTARY)
    commentary.scroll_into_view_if_needed()
    _on_screen(page, commentary.bounding_box())
    button = page.get_by_role("button", name="Submit for approval")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    _on_screen(page, box)
    # What a finger at the button's middle would touch is the button, not a table cell.
    touched = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent.trim()",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert touched == "Submit for approval"
    assert_no_axe_violations(page)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted for approval")


def test_the_return_as_read_and_my_returns_fit_a_phone(seed, officer, manager, signed_in_page):
    quarterly_return = _ready_return(seed, officer)
    workflow.submit_return(quarterly_return=quarterly_return, user=officer)
    page = signed_in_page(manager)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(RETURN)
    _no_sideways_scroll(page)
    _on_screen(page, page.get_by_text(COMMENTARY).bounding_box())
    assert_no_axe_violations(page)
    page.goto("/returns/")
    _no_sideways_scroll(page)
    assert_no_axe_violations(page)


def test_the_return_in_sections_passes_axe(seed, officer, signed_in_page):
    start_return(officer, seed["PSSP"], Q3)
    page = signed_in_page(officer)
    page.goto(RETURN)
    page.locator("details.govuk-details summary").first.click()
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    _no_sideways_scroll(page)
    assert_no_axe_violations(page)


# The committee's pages whose smaller tables (exceptions, money, years, extensions) once ran
# off the side of a phone: every table wider than the screen scrolls inside its own region.
COMMITTEE_PAGES = [
    "/",
    "/contracts/PSSP/",
    "/contracts/HERTS/",
    "/contracts/PSSP/kpis/",
    "/contracts/PSSP/reported/",
    "/contracts/PSSP/regime/",
    "/contracts/PSSP/pack/2019-09-30/",
]


def test_the_committees_pages_fit_a_phone(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.set_viewport_size({"width": 375, "height": 800})
    for url in COMMITTEE_PAGES:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        _no_sideways_scroll(page)
