"""Real-browser fixtures: Debian's Chromium driven by Playwright against the live test server.

Reusable by any browser test: `chromium` (one browser for the session), `signed_in_page(user)`
(a fresh page signed in through the real sign-in form), `assert_no_axe_violations(page)` and
`screenshot(page, name)`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Browser, Page, sync_playwright

from contracts.roles import Role
from tests.conftest import PASSWORD

# Playwright's sync API keeps an event loop running in the test's thread; the ORM calls that
# tests make in between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = ROOT / "screenshots"


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def role_groups(transactional_db) -> None:
    """The live server needs committed data, so each test ends with a flush, which also empties
    the groups a migration made; put them back before the named users join them."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is not installed at /usr/bin/chromium: run `make chromium`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def signed_in_page(chromium: Browser, live_server, transactional_db) -> Iterator[Callable]:
    contexts = []

    def sign_in(user, password: str = PASSWORD) -> Page:
        context = chromium.new_context(
            base_url=live_server.url, accept_downloads=True, viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            pytest.fail(f"Could not sign in as {user.get_username()}.")
        return page

    yield sign_in
    for context in contexts:
        context.close()


@pytest.fixture
def anonymous_page(chromium: Browser, live_server) -> Iterator[Page]:
    context = chromium.new_context(base_url=live_server.url)
    yield context.new_page()
    context.close()


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core in the page and fail on any WCAG 2.0, 2.1 or 2.2 A or AA violation."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
    ]
    assert not violations, f"{page.url}:\n{json.dumps(violations, indent=2)}"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
