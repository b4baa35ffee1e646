"""A committee member reads a monthly KPI's months in the browser: ticks "Show months" on the KPI
table, downloads it with the months, and reads them on the KPI's chart; each view passes axe
(WCAG 2.2 AA)."""

from __future__ import annotations

import csv
import re

from playwright.sync_api import expect

from kpis.models import Kpi
from tests.browser.conftest import assert_no_axe_violations, screenshot
from tests.kpis.months_shown import approve, save_months


def test_a_committee_member_reads_the_months_on_the_table_and_the_chart(
    seed, officer, committee_member, signed_in_page, tmp_path
):
    approve(save_months(officer, seed["ICT"]))
    page = signed_in_page(committee_member)
    page.goto("/contracts/ICT/kpis/")
    expect(page.locator(".app-months")).to_have_count(0)
    page.get_by_label("Show months").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_label("Show months")).to_be_checked()
    waste = page.locator("table.govuk-table tbody tr").filter(has_text="WASTE")
    months = waste.locator(".app-months li")
    expect(months).to_have_count(4)
    expect(months.nth(1)).to_have_text(
        "November 2019: Not measured: Weighbridge broken ○ Not measured"
    )
    expect(months.nth(3)).to_have_text("Quarter: sum of the months")
    screenshot(page, "kpi-table-months")
    assert_no_axe_violations(page)

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^CSV\s*file of this table$")).click()
    path = tmp_path / "table.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    header = table[0]
    row = next(r for r in table if r[0] == "WASTE")
    assert row[header.index("October 2019 figure")] == "100 tonnes"
    assert row[header.index("Dec-19 roll-up")] == "Sum of the months"

    waste.get_by_role("link", name="WASTE").click()
    kpi = Kpi.objects.get(contract=seed["ICT"], reference="WASTE")
    expect(page).to_have_url(re.compile(re.escape(kpi.get_absolute_url()) + "$"))
    chart = page.get_by_role("img", name="Trend of WASTE: Waste sent to landfill")
    expect(chart).to_be_visible()
    expect(page.locator("svg.app-chart g.app-chart-month")).to_have_count(3)
    page.get_by_text("The chart in words").click()
    expect(page.locator(".govuk-details__text")).to_contain_text(
        "October 2019: 100 tonnes, met; November 2019: no figure (Weighbridge broken), "
        "not measured; December 2019: 250 tonnes, met."
    )
    screenshot(page, "kpi-page-months")
    assert_no_axe_violations(page)
