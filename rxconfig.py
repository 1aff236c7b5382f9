"""Reflex configuration. Operator settings live in citizen_app/settings.py (environment variables)."""

import os

import reflex as rx

from citizen_app.web.defer_hydration import DeferHydrationPlugin

PORT = int(os.environ.get("PORT", "3000"))

config = rx.Config(
    app_name="citizen_app",
    # Production serves the compiled frontend and the backend on one port.
    frontend_port=PORT,
    backend_port=PORT,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # No Radix Themes and no Tailwind: plain HTML elements with our own small stylesheet keep the
    # JavaScript and CSS a cheap phone must download and parse to a minimum.
    plugins=[DeferHydrationPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
    frontend_packages=["@fontsource/be-vietnam-pro@5.2.8"],
)
