"""A manager back-fills a past quarter in the browser, from a spreadsheet, as approved: the
import page, its error and its preview pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

from playwright.sync_api import expect

from kpis.choices import ReturnState
from kpis.models import QuarterlyReturn
from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.test_backfill import PAST, SOURCE, _history_file


def test_a_manager_backfills_a_past_quarter_in_the_browser(seed, manager, signed_in_page):
    page = signed_in_page(manager)
    page.goto("/contracts/ICT/import/")
    expect(page.get_by_role("banner")).to_contain_text("Peterborough City Council")
    upload = page.locator("form[enctype]")
    upload.get_by_label("Quarter", exact=True).select_option(PAST.isoformat())
    upload.get_by_label("Filled-in template").set_input_files(
        {"name": "ICT-history.csv", "mimeType": "text/csv", "buffer": _history_file(seed["ICT"])}
    )
    # The source fields are revealed by ticking the box.
    expect(page.get_by_label("Source document")).to_be_hidden()
    page.get_by_label("Back-fill a past quarter as approved").check()
    page.get_by_label("Page (optional)").fill("14")
    page.get_by_role("button", name="Check the file").click()

    # No source: said in the summary and beside the field, with the page typed kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Name the document")
    expect(page.get_by_label("Page (optional)")).to_have_value("14")
    assert_no_axe_violations(page)

    upload = page.locator("form[enctype]")
    upload.get_by_label("Filled-in template").set_input_files(
        {"name": "ICT-history.csv", "mimeType": "text/csv", "buffer": _history_file(seed["ICT"])}
    )
    page.get_by_label("Source document").fill(SOURCE)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the changes")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Back-fill as approved").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return for 2019/20 Q3")
    expect(page.locator(".govuk-summary-list")).to_contain_text(
        f"Back-filled from {SOURCE}, page 14"
    )
    assert_no_axe_violations(page)
    quarterly_return = QuarterlyReturn.objects.get(contract__code="ICT", period__end_date=PAST)
    assert quarterly_return.state == ReturnState.APPROVED
