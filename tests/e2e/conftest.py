"""End-to-end fixtures: the production app, Debian chromium, emulated devices, page helpers.

Run against an already running server with ``--base-url http://host:port``;
otherwise the suite builds the app once and serves it on a free port with a
fresh temporary database and demo data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, expect

from tests.e2e.kit import AppPage
from tests.e2e.server import running_app

CHROMIUM = "/usr/bin/chromium"

# Assertions wait as long as a loaded 2-core CI machine can need (two e2e workers share it); a passing
# assertion returns as soon as it holds, so this costs nothing when all is well.
expect.set_options(timeout=15_000)
SHORT_SHARE_SECONDS = 20
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {
    "viewport": {"width": 1366, "height": 768},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": False,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, pytestconfig: pytest.Config) -> dict:
    """Playwright cannot download its browser on these machines: use Debian's chromium."""
    args = dict(browser_type_launch_args)
    if Path(CHROMIUM).exists() and not pytestconfig.getoption("--browser-channel", None):
        args["executable_path"] = CHROMIUM
    args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    return args


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under test: ``--base-url`` if given, else a fresh production build on a free port."""
    given = pytestconfig.getoption("base_url", None)
    if given:
        yield given.rstrip("/")
        return
    # A share link that lasts seconds is offered too, so test_documents.py sees one expire (tests only).
    with running_app(tmp_path_factory.mktemp("app-data"), {"TEST_SHARE_LINK_SECONDS": str(SHORT_SHARE_SECONDS)}) as url:
        yield url


OpenApp = Callable[..., AppPage]


@pytest.fixture
def open_app(playwright: Playwright, browser: Browser, base_url: str) -> Iterator[OpenApp]:
    """``open_app("Pixel 7", locale="vi-VN")`` → an AppPage in a fresh browser context (its own cookies).

    Call it twice for two people (a citizen and an officer) in one test.
    """
    contexts: list[BrowserContext] = []
    pages: list[AppPage] = []
    csp_violations: list[str] = []

    def open_(device: str = "Pixel 7", locale: str = "vi-VN", **context_args: object) -> AppPage:
        descriptor = dict(DESKTOP) if device == "desktop" else dict(playwright.devices[device])
        descriptor.pop("default_browser_type", None)
        context = browser.new_context(**descriptor, locale=locale, base_url=base_url, **context_args)
        context.set_default_timeout(30_000)  # generous: CI machines have 2 cores
        contexts.append(context)
        page = context.new_page()
        # The Content-Security-Policy (web/security.py) must not block anything the app does: Chromium
        # reports each violation in the console, and any one fails the test.
        page.on(
            "console",
            lambda message: csp_violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None,
        )
        app_page = AppPage(page, base_url)
        pages.append(app_page)
        return app_page

    yield open_
    for app_page in pages:
        # Whatever page a test ended on is checked too, so no visited page escapes axe.
        if not app_page.page.is_closed() and app_page.page.url not in app_page.checked_urls:
            # A page the server drew alone (the sandbox IdP, a refusal) never hydrates: waiting for it only
            # cost 30 s a test.
            if app_page.page.locator("[data-hydrated]").count() == 0:
                continue
            try:
                app_page.wait_hydrated()
            except Exception:  # a page that never hydrated is the test's own failure
                continue
            app_page.assert_accessible()
    for context in contexts:
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def phone(open_app: OpenApp) -> AppPage:
    """A citizen on a Pixel 7, browser in Vietnamese."""
    return open_app("Pixel 7")


@pytest.fixture
def iphone(open_app: OpenApp) -> AppPage:
    return open_app("iPhone 13")


@pytest.fixture
def tablet(open_app: OpenApp) -> AppPage:
    """Counter staff on a tablet."""
    return open_app("Galaxy Tab S4")


@pytest.fixture
def desktop(open_app: OpenApp) -> AppPage:
    return open_app("desktop")
