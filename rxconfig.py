"""Reflex configuration. Operator settings live in citizen_app/settings.py (environment variables).

The README's variables are mapped onto Reflex here, so the names an operator reads are the ones
that work: ``REDIS_URL`` (Reflex itself reads ``REFLEX_REDIS_URL``), ``WEB_WORKERS`` (Granian reads
``GRANIAN_WORKERS``) and ``STATE_IDLE_MINUTES`` (the tab-state expiry of every state manager).
"""

import os

import reflex as rx

from citizen_app.settings import get_settings
from citizen_app.web.defer_hydration import DeferHydrationPlugin
from citizen_app.web.first_paint import FirstPaintPlugin

settings = get_settings()

# Reflex starts this many Granian workers in `--env prod`; without Redis it would start one whatever we say.
os.environ.setdefault("GRANIAN_WORKERS", str(settings.web_workers))
if settings.web_workers > 1:
    # Several processes count requests: prometheus-client adds their files up at /metrics (web/ops.py).
    settings.metrics_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.metrics_dir))

config = rx.Config(
    app_name="citizen_app",
    # Production serves the compiled frontend and the backend on one port.
    frontend_port=settings.port,
    backend_port=settings.port,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # No Radix Themes and no Tailwind: plain HTML elements with our own small stylesheet keep the
    # JavaScript and CSS a cheap phone must download and parse to a minimum.
    plugins=[DeferHydrationPlugin(), FirstPaintPlugin()],
    disable_plugins=[rx.plugins.SitemapPlugin],
    frontend_packages=["@fontsource/be-vietnam-pro@5.2.8"],
    # Tab states live in Redis when REDIS_URL is set (any worker on any machine can serve any tab).
    redis_url=settings.redis_url or None,
    # Idle tabs are forgotten after STATE_IDLE_MINUTES (Redis TTL, or the disk manager's sweep).
    redis_token_expiration=settings.state_idle_minutes * 60,
)
