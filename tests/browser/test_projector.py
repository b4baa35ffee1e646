"""On a committee-room projector (1280x720 at 150% zoom: 853 by 480 CSS pixels), the KPI and the
latest quarter stay in view in the KPI table, references never break, and tables pages use the
screen's width on a wide one."""

from __future__ import annotations

from tests.browser.conftest import assert_no_axe_violations

PROJECTOR = {"width": 853, "height": 480}
WIDE = {"width": 1600, "height": 900}


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def _in_view(box: dict, width: int) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def test_the_kpi_table_keeps_the_kpi_and_the_latest_quarter_in_view(
    seed, committee_member, signed_in_page
):
    page = signed_in_page(committee_member)
    page.set_viewport_size(PROJECTOR)
    for code in ("PSSP", "ICT"):
        page.goto(f"/contracts/{code}/kpis/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PROJECTOR["width"]
        table = "table.app-table--sticky-last"
        assert _in_view(_box(page, f"{table} tbody tr th"), PROJECTOR["width"])
        latest = _box(page, f"{table} thead th:last-child")
        assert _in_view(latest, PROJECTOR["width"]), latest
        assert page.locator(f"{table} thead th:last-child").inner_text().startswith("Sep-19")
        # Scrolling the quarters between keeps both ends where they were.
        page.locator(".app-table-scroll").first.evaluate("region => region.scrollLeft = 10000")
        assert _in_view(_box(page, f"{table} tbody tr th"), PROJECTOR["width"])
        assert _in_view(_box(page, f"{table} thead th:last-child"), PROJECTOR["width"])
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
