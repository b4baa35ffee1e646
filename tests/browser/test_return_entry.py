"""A quarter's return from entry to approval, in a real browser, the officer using only the keys."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from kpis.choices import Direction, ReturnState, UnitCode
from kpis.models import Kpi, QuarterlyReturn, Reading
from tests.browser.conftest import assert_no_axe_violations

RETURN = "/contracts/ICT/returns/2019-12-31/"
# Key presses from "My returns" to the return submitted, measured on the one-page return with a
# Start button per quarter.
KEYS_BEFORE_SECTIONS = 333


class KeyCount:
    """Every key the officer presses: one per press, one per character typed."""

    def __init__(self, page: Page) -> None:
        self.presses = 0
        keyboard = page.keyboard
        press, type_ = keyboard.press, keyboard.type

        def counted_press(key: str, **kwargs) -> None:
            self.presses += 1
            press(key, **kwargs)

        def counted_type(text: str, **kwargs) -> None:
            self.presses += len(text)
            type_(text, **kwargs)

        keyboard.press, keyboard.type = counted_press, counted_type  # type: ignore[method-assign]


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _tab_to(page: Page, element_id: str, limit: int = 40) -> int:
    """Press Tab until the element has focus, as a keyboard user would; how many presses."""
    for presses in range(limit):
        if _focused_id(page) == element_id:
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}; focus is on #{_focused_id(page)}")


def _open_folded(page: Page, details_id: str, limit: int = 60) -> None:
    """Tab to a folded <details> and open it with Enter."""
    for _ in range(limit):
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return e && e.tagName === 'SUMMARY' ? e.parentElement.id : null; })()"
        )
        if focused == details_id:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached the summary of #{details_id}")


def _tab_to_text(page: Page, text: str, limit: int = 40) -> int:
    """Press Tab until a link or button with this text has focus; how many presses."""
    for presses in range(limit):
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {text!r}")


def _answer(kpi: Kpi) -> tuple[str, str]:
    """A figure that meets the target, or a reason where the KPI has no target to meet."""
    if kpi.target is None:
        return "not_measured_reason", "Not reported this quarter"
    if kpi.unit_id == UnitCode.SCORE:
        return "value", "4"
    if kpi.direction == Direction.LOWER:
        return "value", "0"
    return "value", "100"


def test_an_officer_enters_a_quarter_and_the_manager_approves_it(
    seed, officer, manager, committee_member, signed_in_page
):
    page = signed_in_page(officer)
    keys = KeyCount(page)
    page.goto("/returns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My returns")
    assert_no_axe_violations(page)

    # Start the ICT return for the December 2019 quarter, listed as overdue, chosen in the one
    # list of quarters to start, ahead of the quarters listed: no Start button on every row.
    quarter = page.locator("#id_ICT-end_date")
    expect(quarter).not_to_have_value("2019-12-31")  # the quarter just ended comes first
    expect(page.locator("form[action$='/start/'] button")).to_have_count(2)  # one per contract
    _tab_to(page, "id_ICT-end_date", limit=60)
    # The oldest quarter not started is last but one, before the quarter under way.
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    expect(quarter).to_have_value("2019-12-31")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "start-ICT"
    page.keyboard.press("Enter")
    # Starting is confirmed first, naming the quarter: one mis-aimed Enter starts nothing.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Start the return for 2019/20 Q3 (to 31 December 2019)?"
    )
    assert_no_axe_violations(page)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == (
            "Yes, start the return for Dec-19"
        ):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{RETURN}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Return for 2019/20 Q3 (to 31 December 2019)"
    )
    assert_no_axe_violations(page)

    kpis = list(Kpi.objects.for_contract(seed["ICT"]).in_report_order())
    bad = next(k for k in kpis if k.reference == "3")
    page.keyboard.press("Tab")
    for kpi in kpis:
        field, text = _answer(kpi)
        # Every ICT KPI is monthly: the quarter's figure alone is folded away beneath the months.
        _open_folded(page, f"kpi-{kpi.pk}-quarter-alone")
        _tab_to(page, f"id_kpi-{kpi.pk}-{field}")
        page.keyboard.type("120" if kpi == bad else text)
    page.keyboard.press("Enter")  # Enter in a text box saves, the form's first button.

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("3: A percentage must be between 0 and 100.")
    expect(page.locator(f"#id_kpi-{bad.pk}-value")).to_have_value("120")
    expect(page.locator(f"#id_kpi-{kpis[0].pk}-value")).to_have_value("0")
    # The good figures were kept; only the bad one waits to be corrected.
    assert not Reading.objects.filter(kpi=bad, period__end_date="2019-12-31").exclude(value=None)
    figures = sum(1 for kpi in kpis if kpi != bad and _answer(kpi)[0] == "value")
    assert Reading.objects.filter(period__end_date="2019-12-31").exclude(value=None).count() == (
        figures
    )
    assert_no_axe_violations(page)

    # Follow the error's link to its field, correct it, and submit.
    expect(
        summary.get_by_role("link", name="3: A percentage must be between 0 and 100.")
    ).to_be_visible()
    _tab_to_text(page, "3: A percentage must be between 0 and 100.")
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_kpi-{bad.pk}-value")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("95")
    # A second window on the same return, left open while it is submitted and approved.
    other = signed_in_page(officer)
    other.goto(RETURN)
    # Enter saves; the progress summary at the top then leads to the check and submit, a few
    # key presses away rather than past every field of the return.
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved")
    check = page.get_by_role("link", name="Check your answers and submit")
    presses = 0
    while not page.evaluate("document.activeElement.textContent.trim()").startswith(
        "Check your answers and submit"
    ):
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 25, "the check-and-submit link should be near the top of the page"
    expect(check).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    assert_no_axe_violations(page)
    _tab_to_text(page, "Submit for approval", limit=200)
    page.keyboard.press("Enter")
    # Every key from "My returns" to the submitted return, against the count before the return
    # came in sections with Save at hand and "My returns" passed every Start button.
    assert keys.presses < KEYS_BEFORE_SECTIONS, keys.presses
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The return has been submitted for approval."
    )

    # The manager approves it.
    manager_page = signed_in_page(manager)
    manager_page.goto(RETURN)
    expect(manager_page.get_by_text("waiting for a contract manager to approve it")).to_be_visible()
    assert_no_axe_violations(manager_page)
    manager_page.get_by_role("button", name="Approve and lock this return").click()
    # Approving locks the quarter: asked once more, on a page of its own.
    expect(manager_page.get_by_role("heading", level=1)).to_contain_text("Approve and lock")
    assert_no_axe_violations(manager_page)
    manager_page.get_by_role("button", name="Yes, approve and lock it").click()
    expect(manager_page.locator(".govuk-notification-banner")).to_contain_text(
        "The return has been approved and is now locked."
    )
    assert QuarterlyReturn.objects.get(
        contract__code="ICT", period__end_date="2019-12-31"
    ).state == (ReturnState.APPROVED)
    assert_no_axe_violations(manager_page)

    # The officer's other window, still open from before, tries one more change: refused.
    other.locator(f"#kpi-{bad.pk}-quarter-alone summary").click()  # folded beneath the months
    other.locator(f"#id_kpi-{bad.pk}-value").fill("96")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("approved and is locked")
    # What was typed comes back, in a form that can no longer be sent.
    expect(other.locator(f"#id_kpi-{bad.pk}-value")).to_have_value("96")
    expect(other.locator(f"#id_kpi-{bad.pk}-value")).to_be_disabled()
    expect(other.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    assert Reading.objects.get(kpi=bad, period__end_date="2019-12-31").value == 95
    assert_no_axe_violations(other)

    # The committee sees the new quarter on the scorecard, and its figures in the return.
    committee_page = signed_in_page(committee_member)
    committee_page.goto("/contracts/ICT/")
    expect(committee_page.locator("main")).to_contain_text("Dec-19")
    committee_page.goto(RETURN)
    expect(committee_page.locator("main")).to_contain_text("95%")
    expect(committee_page.locator("main input")).to_have_count(0)
    assert_no_axe_violations(committee_page)
