"""A return that warns before unsaved figures are lost, and pages that work on a 375 px phone."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from kpis.models import Kpi
from kpis.writes import opening
from tests.browser.conftest import assert_no_axe_violations

RETURN = "/contracts/ICT/returns/2019-12-31/"


def _open_ict_return(seed, officer):
    end = datetime.date(2019, 12, 31)
    opening.open_return(contract=seed["ICT"], end_date=end, user=officer)
    return list(Kpi.objects.for_contract(seed["ICT"]).in_report_order())


def test_it_warns_before_leaving_a_return_with_unsaved_figures(seed, officer, signed_in_page):
    first = _open_ict_return(seed, officer)[0]
    page = signed_in_page(officer)
    page.goto(RETURN)
    notice = page.locator("[data-unsaved-notice]")
    expect(notice).to_have_text("")
    # ICT's KPIs are monthly: the quarter's figure alone is folded beneath the months.
    page.locator(f"#kpi-{first.pk}-quarter-alone summary").click()
    # Typed as a person would: browsers ask before leaving only after the page was used.
    page.locator(f"#id_kpi-{first.pk}-value").click()
    page.keyboard.type("1")
    expect(notice).to_have_text("You have changes that are not saved yet.")

    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # Stay on the page: the figure is still there.
    expect(page.locator(f"#id_kpi-{first.pk}-value")).to_have_value("1")


def test_it_does_not_warn_when_the_figures_are_saved(seed, officer, signed_in_page):
    first = _open_ict_return(seed, officer)[0]
    page = signed_in_page(officer)
    page.goto(RETURN)
    page.locator(f"#kpi-{first.pk}-quarter-alone summary").click()
    page.locator(f"#id_kpi-{first.pk}-value").click()
    page.keyboard.type("1")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved")
    page.locator(f"#id_kpi-{first.pk}-value").click()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == []


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide on a 375 px screen"


def test_the_kpi_table_and_the_return_fit_a_phone(seed, officer, signed_in_page):
    kpis = _open_ict_return(seed, officer)
    page = signed_in_page(officer)
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto("/contracts/PSSP/kpis/")
    _no_sideways_scroll(page)
    # The KPI stays in view while the quarters scroll beside it, and a figure is on screen.
    first_row = page.locator("tbody tr").first
    reference = first_row.locator("th, td").first.bounding_box()
    figure = first_row.locator(".app-cell-figure").first.bounding_box()
    assert reference["x"] >= 0 and figure["x"] + figure["width"] <= 375, (reference, figure)
    region = page.get_by_role("region", name="KPI performance")
    region.evaluate("element => element.scrollLeft = 400")
    assert first_row.locator("th, td").first.bounding_box()["x"] >= 0
    assert_no_axe_violations(page)

    page.goto(RETURN)
    _no_sideways_scroll(page)
    field = page.locator(f"#id_kpi-{kpis[0].pk}-value").bounding_box()
    assert field["x"] >= 0 and field["x"] + field["width"] <= 375, field
    assert_no_axe_violations(page)
