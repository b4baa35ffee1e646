"""A committee member's journey through the scrutiny pages, in a real browser."""

import csv
import re

import pytest
from playwright.sync_api import expect

from kpis.models import Kpi
from tests.browser.conftest import assert_no_axe_violations, screenshot


@pytest.fixture
def pages(seed):
    kpi = Kpi.objects.get(contract__code="PSSP", reference="R&B-K-009")
    ict = Kpi.objects.get(contract__code="ICT", reference="8")
    return {
        "home": "/",
        "scorecard": "/contracts/PSSP/",
        "kpi-table": "/contracts/PSSP/kpis/",
        "kpi-table-ict": "/contracts/ICT/kpis/",
        "kpi-table-ict-months": "/contracts/ICT/kpis/?months=1",
        "kpi-page": kpi.get_absolute_url(),
        "kpi-page-ict": ict.get_absolute_url(),
        "reported": "/contracts/PSSP/reported/",
        "pack": "/contracts/ICT/pack/2019-03-31/",
    }


def test_it_takes_a_committee_member_from_sign_in_to_a_kpi_chart(
    seed, committee_member, signed_in_page, tmp_path
):
    page = signed_in_page(committee_member)
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")

    page.get_by_role("link", name="Peterborough Serco Strategic Partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Peterborough Serco Strategic Partnership"
    )
    expect(page.get_by_role("table", name="KPIs measured and met, by service area")).to_be_visible()

    page.get_by_role("link", name="KPI performance table").click()
    page.get_by_role("link", name=re.compile(r"^KPI\s*: sort ascending$")).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("KPI")
    first = page.locator("table.govuk-table tbody tr").first.locator("th")
    expect(first).to_have_text("BS-K-002")

    page.get_by_label("Service area").select_option("STS")
    page.get_by_label("Status in a quarter shown").select_option("below_target")
    page.get_by_label("Frequency").select_option("monthly")
    page.get_by_role("button", name="Apply filters").click()
    # The KPI table, not the year to date beneath it.
    rows = page.locator("table.govuk-table").first.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("R&B-K-009")
    expect(rows.first).to_contain_text("Below target")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^CSV\s*file of this table$")).click()
    path = tmp_path / "table.csv"
    info.value.save_as(path)
    with path.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert [r[0] for r in table[1:]] == ["R&B-K-009"]
    assert "Below target" in table[1]

    page.get_by_role("link", name="R&B-K-009").click()
    chart = page.get_by_role("img", name="Trend of R&B-K-009: Debt recovery - Parking")
    expect(chart).to_be_visible()
    expect(page.locator("svg.app-chart polyline")).to_have_count(1)
    screenshot(page, "kpi-page-journey")


def test_it_shows_every_page_without_accessibility_violations(
    seed, committee_member, signed_in_page, pages
):
    page = signed_in_page(committee_member)
    for name, url in pages.items():
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, name)
        assert_no_axe_violations(page)


def test_it_prints_the_committee_pack_on_a4_landscape(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.goto("/contracts/ICT/pack/2019-03-31/")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("heading", name="2. Exceptions in Mar-19")).to_be_visible()
    screenshot(page, "pack-print")


def test_it_shows_the_sign_in_page_accessibly_and_refuses_the_signed_out(anonymous_page, seed):
    anonymous_page.goto("/contracts/PSSP/")
    expect(anonymous_page).to_have_url("/accounts/login/?next=/contracts/PSSP/")
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(anonymous_page)
    anonymous_page.get_by_role("button", name="Sign in").click()
    expect(anonymous_page.get_by_text("There is a problem")).to_be_visible()
    assert_no_axe_violations(anonymous_page)
    screenshot(anonymous_page, "sign-in-error")


def test_it_signs_out(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
