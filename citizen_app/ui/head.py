"""Tags in every page's <head>: PWA manifest, icons, theme colour, service worker registration."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator

THEME_COLOR = "#9b1c1c"

# Registered after load so it never competes with the first render on a slow phone.
_REGISTER_SERVICE_WORKER = """
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js').catch(function () {});
  });
}
"""


# Pages on dynamic routes are served from one prerendered fallback, and React keeps the server's
# attributes when it hydrates; set <html lang> from the address before the first paint.
_SET_HTML_LANG = "document.documentElement.lang = location.pathname.startsWith('/en') ? 'en' : 'vi';"


def global_head() -> list[rx.Component]:
    return [
        rx.el.script(_SET_HTML_LANG),
        rx.el.meta(name="theme-color", content=THEME_COLOR),
        rx.el.link(rel="icon", href="/icons/icon-192.png", type="image/png"),
        rx.el.link(rel="apple-touch-icon", href="/icons/icon-192.png"),
        rx.el.script(_REGISTER_SERVICE_WORKER),
    ]


def page_head(t: Translator) -> list[rx.Component]:
    """Per locale: the manifest in the page's language."""
    return [rx.el.link(rel="manifest", href=f"/{t.locale}/manifest.webmanifest")]
