"""A manager creates a contract and imports its KPI definitions in a real browser, twice (a new
target the second time, from a quarter they choose); every page on the way passes axe."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from kpis.models import Kpi
from tests.browser.conftest import assert_no_axe_violations
from tests.kpis.definition_files import row, to_csv


def _upload(page, content: bytes) -> None:
    page.get_by_label("Filled-in template").set_input_files(
        {"name": "boro.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_a_manager_sets_up_a_contract_and_its_kpis(seed, manager, signed_in_page):
    page = signed_in_page(manager)
    page.goto("/")
    page.get_by_role("link", name="Create a contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a contract")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Create the contract").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the contract's code")
    assert_no_axe_violations(page)

    page.get_by_label("Code").fill("BORO")
    page.get_by_label("Name", exact=True).fill("Environmental services")
    page.get_by_label("Council").fill("A London Borough")
    page.get_by_label("Supplier", exact=True).fill("Serco Ltd")
    page.get_by_label("Start date (optional)").fill("2023-04-01")
    page.get_by_role("button", name="Create the contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import KPI definitions")
    assert_no_axe_violations(page)

    first = [row(reference="ENV-01"), row(reference="ENV-02", target="abc")]
    _upload(page, to_csv(first))
    expect(page.locator(".govuk-error-summary")).to_contain_text("'abc' is not a number")
    assert_no_axe_violations(page)

    first[1]["Target"] = "80"
    _upload(page, to_csv(first))
    expect(page.get_by_role("heading", name="Check the changes")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Import: 2 new, 0 changed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Environmental services")
    assert Kpi.objects.filter(contract__code="BORO").count() == 2

    page.get_by_role("link", name="Import KPI definitions").click()
    second = [row(reference="ENV-01", target="92"), first[1]]
    _upload(page, to_csv(second))
    page.get_by_role("button", name="Import: 0 new, 1 changed").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the KPIs are changing")
    assert_no_axe_violations(page)
    page.get_by_label("From which quarter").select_option("2024-06-30")
    page.get_by_label("Why are the KPIs changing?").fill("2024/25 targets")
    page.get_by_role("button", name="Import: 0 new, 1 changed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Environmental services")
    assert Kpi.objects.get(contract__code="BORO", reference="ENV-01").target == Decimal(92)
