"""The foundation: bilingual home page, language switching, offline page, installability, axe."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Playwright, expect

from tests.e2e.kit import AppPage


def test_home_renders_on_pixel_7_in_vietnamese(phone: AppPage) -> None:
    phone.goto("/")
    assert re.search(r"/vi/$", phone.page.url)
    assert phone.html_lang == "vi"
    expect(phone.page.locator("h1")).to_have_text("Dịch vụ công trực tuyến")
    expect(phone.get("bottom-nav-home")).to_be_visible()
    expect(phone.get("top-nav-home")).to_be_hidden()


def test_root_follows_the_browser_language(open_app) -> None:  # type: ignore[no-untyped-def]
    english = open_app("Pixel 7", locale="en-GB")
    english.goto("/")
    assert english.path == "/en/"
    assert english.html_lang == "en"


def test_switching_to_english_changes_text_and_survives_reload(phone: AppPage) -> None:
    phone.goto("/vi/")
    phone.switch_language()
    assert phone.path == "/en/"
    assert phone.html_lang == "en"
    expect(phone.page.locator("h1")).to_have_text("Public services, online")
    phone.page.reload()
    phone.settle()
    expect(phone.page.locator("h1")).to_have_text("Public services, online")
    # The choice is remembered: the bare address now opens in English.
    phone.goto("/")
    assert phone.path == "/en/"


def test_touch_targets_and_base_text_on_a_phone(phone: AppPage) -> None:
    phone.goto("/vi/")
    assert phone.page.evaluate("() => getComputedStyle(document.body).fontSize") == "16px"
    small = phone.page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea')]
              .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
              .map(el => [el.dataset.testid || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
              .filter(([, r]) => r.height < 44 || r.width < 44)
              .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []


def test_desktop_shows_navigation_in_the_header(desktop: AppPage) -> None:
    desktop.goto("/vi/")
    expect(desktop.get("top-nav-home")).to_be_visible()
    expect(desktop.get("bottom-nav-home")).to_be_hidden()


def test_offline_reload_shows_the_offline_page(phone: AppPage) -> None:
    phone.goto("/vi/")
    phone.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.page.context.set_offline(True)
    try:
        phone.page.reload()
        expect(phone.get("offline-page")).to_be_visible()
        expect(phone.page.locator("h1")).to_have_text("Bạn đang ngoại tuyến")
        phone.assert_accessible()
    finally:
        phone.page.context.set_offline(False)


def test_manifest_and_service_worker_make_the_app_installable(
    playwright: Playwright, browser_type_launch_args: dict, base_url: str, tmp_path: Path
) -> None:
    # Chromium never offers to install from an incognito profile, which is what ordinary test
    # contexts are; a persistent profile is a real user's browser.
    device = {k: v for k, v in playwright.devices["Pixel 7"].items() if k != "default_browser_type"}
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, **device, locale="vi-VN"
    )
    try:
        app = AppPage(context.pages[0] if context.pages else context.new_page(), base_url)
        app.goto("/vi/")
        app.page.evaluate("async () => { await navigator.serviceWorker.ready; }")
        manifest = app.page.evaluate(
            "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
        )
        assert manifest["display"] == "standalone"
        assert manifest["start_url"].startswith("/vi/")
        assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
        assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
        assert manifest["name"] == "Dịch vụ công Việt Nam"
        assert manifest["name_localized"]["en"] == "Public Services of Vietnam"
        session = context.new_cdp_session(app.page)
        errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
    finally:
        context.close()


def test_the_browser_asks_nothing_of_any_other_host(phone: AppPage) -> None:
    """Fonts, icons and scripts are self-hosted: no CDN, no analytics, nothing but the app's own origin."""
    origin = re.match(r"^https?://[^/]+", phone.base_url).group(0)  # type: ignore[union-attr]
    elsewhere: list[str] = []
    phone.page.on(
        "request",
        lambda request: None
        if request.url.startswith((origin, "data:", "blob:"))
        else elsewhere.append(request.url),
    )
    for path in ("/vi/", "/en/search?q=birth", "/vi/services/1.001193", "/vi/track"):
        phone.goto(path)
        phone.page.wait_for_load_state("networkidle")
    assert elsewhere == []
