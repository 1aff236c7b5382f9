"""The page-helper layer testers write flows with. See TESTING.md.

``AppPage`` wraps a Playwright page: it knows the base URL, waits for the app to
hydrate, finds elements by ``data-testid``, and runs axe on every page it lands on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

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


# ---- signing in and out (the VNeID-style sandbox at /idp; demo accounts in docs/identity.md) ----

DEMO_PASSWORD = "demo1234"
_APP_PAGE = re.compile(r"^https?://[^/]+/(vi|en)(/|$|\?)")


def sign_in(
    app: AppPage, username: str, password: str = DEMO_PASSWORD, *, next_path: str | None = None
) -> AppPage:
    """Sign in as a demo account through the sandbox provider and land back in the app, settled.

    Starts from the header's sign-in link of the page the browser is on, or from
    ``/auth/login?next=<next_path>`` when ``next_path`` is given (or no app page is open).
    Without ``next_path`` on the sandbox's own page (the app sent the browser there),
    it carries on from that page. The login form and consent screen are filled when
    they appear: the provider skips them while its session lasts or consent is remembered.
    """
    page = app.page
    on_app_page = bool(_APP_PAGE.match(page.url)) and app.get("header-sign-in").count() > 0
    if next_path is None and "/idp/" in page.url:
        pass
    elif next_path is None and on_app_page:
        with page.expect_navigation():
            app.click("header-sign-in")
    else:
        page.goto(app.base_url + "/auth/login?next=" + quote(next_path or "/vi/", safe="/"))
    for _step in range(3):
        if "/idp/" not in page.url:
            break
        if app.get("idp-login-error").count():
            raise AssertionError(f"the sandbox refused {username!r}: {app.get('idp-login-error').inner_text()}")
        if app.get("idp-login").count():
            app.fill("idp-login", username)
            app.fill("idp-password", password)
            with page.expect_navigation():
                app.click("idp-submit")
        elif app.get("idp-allow").count():
            with page.expect_navigation():
                app.click("idp-allow")
        else:
            raise AssertionError(f"unexpected sandbox page {page.url}: {page.inner_text('body')[:300]}")
    if not _APP_PAGE.match(page.url):
        raise AssertionError(f"sign-in did not return to the app: {page.url}: {page.inner_text('body')[:300]}")
    return app.settle()


def sign_out(app: AppPage) -> AppPage:
    """The account page's sign-out button when it is on screen, else the logout route; back on the home page."""
    page = app.page
    if app.get("account-sign-out").count():
        with page.expect_navigation():
            app.click("account-sign-out")
    else:
        # The route only shows a sign-out button (a GET must not sign anyone out): press it.
        page.goto(app.base_url + f"/auth/logout?next=/{app.locale}/")
        with page.expect_navigation():
            app.click("sign-out-confirm")
    if app.get("idp-confirm-logout").count():  # only when the provider cannot tell who is signing out
        with page.expect_navigation():
            app.click("idp-confirm-logout")
    page.wait_for_url(_APP_PAGE)
    return app.settle()
