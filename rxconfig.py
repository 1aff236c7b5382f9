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

# A web worker that dies (killed, out of memory) is started again instead of taking the whole server down:
# Reflex builds Granian's server without `respawn_failed_workers`, and Granian's default then stops every
# worker. Tab states are in Redis, so the phones it served reconnect to any worker and carry on
# (tests/e2e/test_production.py kills one mid-form).
def _respawn_failed_workers() -> None:
    import granian.server

    base = granian.server.Server
    if getattr(base, "_citizen_respawn", False):
        return

    class RespawningServer(base):  # type: ignore[misc, valid-type]
        _citizen_respawn = True

        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs.setdefault("respawn_failed_workers", True)
            super().__init__(*args, **kwargs)

    granian.server.Server = RespawningServer  # type: ignore[misc]


_respawn_failed_workers()

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
