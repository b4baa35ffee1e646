"""An officer imports a monthly KPI's months in the browser: the preview of the month rows, with
the quarter they roll up to, and the refusal of a bad month, pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

from playwright.sync_api import expect

from kpis.models import Reading
from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.import_files import OPEN_QUARTER, to_csv
from tests.kpis.monthly import add_monthly_kpis
from tests.kpis.test_import_months import MONTHS, _rows


def _choose(page, content: bytes) -> None:
    upload = page.locator("form[enctype]")
    upload.get_by_label("Quarter", exact=True).select_option(OPEN_QUARTER.isoformat())
    upload.get_by_label("Filled-in template").set_input_files(
        {"name": "months.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_an_officer_imports_months_in_the_browser(seed, officer, signed_in_page):
    add_monthly_kpis(seed["ICT"])
    page = signed_in_page(officer)
    page.goto("/contracts/ICT/import/")
    bad = {**MONTHS, ("WASTE", "Oct 2019"): {"Month": "Sep 2019", "Figure": "5"}}
    _choose(page, to_csv(_rows(seed["ICT"], bad)))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "September 2019 is not a month of the quarter ending 31 December 2019"
    )
    assert_no_axe_violations(page)

    _choose(page, to_csv(_rows(seed["ICT"], MONTHS)))
    expect(page.get_by_role("heading", name="Check the changes")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Quarter from the months: 71.4286, failure")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return for 2019/20 Q3")
    calls = Reading.objects.get(kpi__reference="CALLS", period__end_date=OPEN_QUARTER)
    assert calls.months.count() == 3
