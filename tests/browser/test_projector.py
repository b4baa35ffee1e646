"""On a committee-room projector (1280x720 at 150% zoom: 853 by 480 CSS pixels), the KPI, the
latest quarter and the year to date stay in view in the KPI table and the scorecard, references
never break, and tables pages use the screen's width on a wide one."""

from __future__ import annotations

from tests.browser.conftest import assert_no_axe_violations

PROJECTOR = {"width": 853, "height": 480}
WIDE = {"width": 1600, "height": 900}


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def _in_view(box: dict, width: int) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def _columns_in_view(page, table: str) -> None:
    """The KPI (first), the latest quarter (last but one) and the year to date (last) of the
    first row and of the heading, all within the projector's width."""
    for selector in (
        f"{table} tbody tr th",
        f"{table} tbody tr td:nth-last-child(2)",
        f"{table} tbody tr td:last-child",
        f"{table} thead th:nth-last-child(2)",
        f"{table} thead th:last-child",
    ):
        box = _box(page, selector)
        assert _in_view(box, PROJECTOR["width"]), (selector, box)
    # Neither covers the other: the latest quarter ends where the year to date begins.
    latest = _box(page, f"{table} tbody tr td:nth-last-child(2)")
    year = _box(page, f"{table} tbody tr td:last-child")
    assert latest["x"] + latest["width"] <= year["x"] + 1, (latest, year)


def test_the_kpi_table_keeps_the_kpi_the_latest_quarter_and_the_year_in_view(
    seed, committee_member, signed_in_page
):
    page = signed_in_page(committee_member)
    page.set_viewport_size(PROJECTOR)
    # The default (2019/20: two quarters) and a whole year (2018/19: four).
    for code, year, latest, year_label in (
        ("PSSP", "", "Sep-19", "2019/20 to date"),
        ("ICT", "", "Sep-19", "2019/20 to date"),
        ("PSSP", "2018", "Mar-19", "2018/19 to date"),
        ("ICT", "2018", "Mar-19", "2018/19 to date"),
    ):
        page.goto(f"/contracts/{code}/kpis/" + (f"?year={year}" if year else ""))
        assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
        table = "table.app-table--sticky-year"
        assert page.locator(f"{table} thead th:nth-last-child(2)").inner_text().startswith(latest)
        assert page.locator(f"{table} thead th:last-child").inner_text().startswith(year_label)
        _columns_in_view(page, table)
        # Scrolling the quarters between keeps the three where they were.
        page.locator(".app-table-scroll").first.evaluate("region => region.scrollLeft = 10000")
        _columns_in_view(page, table)
    assert_no_axe_violations(page)


def test_the_scorecard_keeps_the_latest_quarter_and_the_year_in_view(
    seed, committee_member, signed_in_page
):
    page = signed_in_page(committee_member)
    page.set_viewport_size(PROJECTOR)
    for code in ("PSSP", "ICT"):
        page.goto(f"/contracts/{code}/?year=2018")
        assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
        region = page.locator(".app-table-scroll").first
        region.evaluate("region => region.scrollLeft = 10000")
        table = "table.app-scorecard"
        # The total row: its name, Mar-19's met and the year's % met.
        for selector in (
            f"{table} tfoot th",
            f"{table} tfoot td:nth-last-child(4)",
            f"{table} tfoot td:last-child",
        ):
            assert _in_view(_box(page, selector), PROJECTOR["width"]), selector
        assert page.locator(f"{table} tfoot td:last-child").inner_text() in ("93%", "89%")
    assert_no_axe_violations(page)


def test_a_reference_never_breaks_at_its_hyphens(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.set_viewport_size(PROJECTOR)
    page.goto("/contracts/PSSP/kpis/")
    link = page.locator("tbody th a", has_text="R&B-K-009").first
    lines = link.evaluate("a => a.getClientRects().length")
    assert lines == 1


def test_tables_use_the_width_of_a_wide_screen(seed, committee_member, signed_in_page):
    page = signed_in_page(committee_member)
    page.set_viewport_size(WIDE)
    page.goto("/contracts/PSSP/kpis/")
    main = _box(page, "main")
    # GOV.UK's column is 960 px at most; a table page spreads to the margins.
    assert main["width"] > 1400
