"""The year view's pages pass axe (WCAG 2.2 AA), with a year chosen and with a bad one, and the
year chooser works by keyboard."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_axe_violations

PAGES = [
    "/",
    "/contracts/PSSP/",
    "/contracts/PSSP/?year=2018",
    "/contracts/PSSP/?year=1999",
    "/contracts/ICT/kpis/?year=2018",
    "/contracts/ICT/kpis/?year=twenty",
    "/contracts/PSSP/pack/2019-03-31/",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_year_views_pages_pass_axe(seed, committee_member, signed_in_page, url):
    page = signed_in_page(committee_member)
    page.goto(url)
    assert_no_axe_violations(page)


def test_a_year_is_chosen_by_keyboard(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.goto("/contracts/PSSP/")
    page.get_by_label("Financial year", exact=True).select_option("2018")
    page.get_by_role("button", name="Show this year").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/contracts/PSSP/?year=2018")
    assert page.locator("table.app-scorecard thead th").first.inner_text().startswith("Jun-18")
    assert page.get_by_text("2018/19 to date, every status").is_visible()
