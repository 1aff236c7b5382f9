"""The web app manifest and the service worker."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from citizen_app.core.i18n import LOCALES, Translator, get_translator
from citizen_app.ui.head import THEME_COLOR

_SERVICE_WORKER = Path(__file__).parent / "static" / "sw.js"

# Pages kept on the device once seen, so a citizen at the counter with no signal can still show them.
# Issue 13: her documents too (the list, each document's page and its file), once opened.
SAVED_FOR_OFFLINE = r"^/(vi|en)/(receipts/|documents(/|$))"


def _app_name(t: Translator) -> str:
    return t.gettext("Public Services of Vietnam")


def manifest(t: Translator) -> dict[str, Any]:
    other = [code for code in LOCALES if code != t.locale]
    return {
        "id": "/",
        "name": _app_name(t),
        "short_name": t.gettext("Public Services"),
        "description": t.gettext("Find a public service, apply online and track your application."),
        "lang": t.locale,
        "dir": "ltr",
        "start_url": f"/{t.locale}/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "categories": ["government", "utilities"],
        "icons": [
            {"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": "/icons/icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
        # Manifest localization: the name in the other language too.
        "name_localized": {code: _app_name(get_translator(code)) for code in other},
        "short_name_localized": {code: get_translator(code).gettext("Public Services") for code in other},
    }


@lru_cache(maxsize=1)
def build_version() -> str:
    """Changes with every frontend build, so a new service worker replaces the old caches."""
    from reflex.utils.prerequisites import get_web_dir

    built_assets = get_web_dir() / "build" / "client" / "assets"
    digest = hashlib.sha256(_SERVICE_WORKER.read_bytes())
    if built_assets.exists():
        for name in sorted(path.name for path in built_assets.iterdir()):
            digest.update(name.encode())
    return digest.hexdigest()[:12]


def service_worker_source() -> str:
    precache = [f"/{code}/offline" for code in LOCALES] + [
        "/icons/icon-192.png",
        "/icons/icon-512.png",
    ]
    source = _SERVICE_WORKER.read_text(encoding="utf-8")
    return (
        source.replace("__VERSION__", build_version())
        .replace("__PRECACHE__", repr(precache).replace("'", '"'))
        .replace("__SAVED_FOR_OFFLINE__", SAVED_FOR_OFFLINE.replace("/", "\\/"))
    )
