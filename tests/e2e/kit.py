"""The page-helper layer testers write flows with. See TESTING.md.

``AppPage`` wraps a Playwright page: it knows the base URL, waits for the app to
hydrate, finds elements by ``data-testid``, and runs axe on every page it lands on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page, expect

from tests.e2e.axe import axe_violations, describe

HYDRATION_TIMEOUT_MS = 30_000


class AccessibilityError(AssertionError):
    pass


@dataclass
class AppPage:
    page: Page
    base_url: str
    locale: str = "vi"
    check_accessibility: bool = True
    checked_urls: set[str] = field(default_factory=set)

    # ---- navigation ----
    def goto(self, path: str) -> AppPage:
        """Open a path (``/vi/search?q=…``) and wait until the app is interactive."""
        self.page.goto(self.base_url + path)
        return self.settle()

    def settle(self) -> AppPage:
        """After any navigation: wait for hydration, note the locale, check accessibility once per URL."""
        self.wait_hydrated()
        match = re.match(r"^/(vi|en)(/|$)", self.path)
        if match:
            self.locale = match.group(1)
        self.assert_accessible()
        return self

    def wait_hydrated(self) -> None:
        self.page.wait_for_selector('[data-hydrated="true"]', timeout=HYDRATION_TIMEOUT_MS)

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    # ---- elements ----
    def get(self, testid: str) -> Locator:
        return self.page.get_by_test_id(testid)

    def click(self, testid: str) -> None:
        self.get(testid).click()

    def fill(self, testid: str, text: str) -> None:
        self.get(testid).fill(text)

    def expect_text(self, testid: str, text: str | re.Pattern[str]) -> None:
        expect(self.get(testid)).to_contain_text(text)

    @property
    def html_lang(self) -> str:
        return self.page.evaluate("() => document.documentElement.lang")

    # ---- common journeys ----
    def switch_language(self) -> AppPage:
        before = self.locale
        self.click("lang-switch")
        target = "en" if before == "vi" else "vi"
        self.page.wait_for_url(re.compile(rf"/{target}(/|$|\?)"))
        return self.settle()

    # ---- accessibility ----
    def assert_accessible(self) -> None:
        if not self.check_accessibility:
            return
        violations = axe_violations(self.page)
        self.checked_urls.add(self.page.url)
        if violations:
            raise AccessibilityError(f"axe found violations on {self.path}:\n{describe(violations)}")
