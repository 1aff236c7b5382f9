"""Serve a prerendered page at its address as shared, without a redirect to a trailing slash.

The production build writes ``/vi/search`` as ``vi/search/index.html``. Starlette's static
files answer ``/vi/search`` with a 307 to ``/vi/search/``: one more round trip, about a
third of a second on slow 4G, before a citizen who followed a link or scanned a code sees
anything. When the build holds a page for the address, the request is handed on as that
page's directory instead. Everything else (our own routes, assets, dynamic routes) passes
through unchanged.
"""

from __future__ import annotations

import functools
import posixpath
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send


def frontend_build_dir() -> Path:
    """Where Reflex's production build puts the static pages (as Reflex's own static mount reads it)."""
    from reflex.config import get_config
    from reflex.utils import prerequisites
    from reflex_base import constants

    return (prerequisites.get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")).resolve()


class PagePathMiddleware:
    """Pure ASGI; ``build_dir`` is read lazily so the app can be imported before it is built."""

    def __init__(self, app: ASGIApp, build_dir: Path | None = None) -> None:
        self.app = app
        self._build_dir = build_dir

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            path: str = scope.get("path", "")
            if self._is_page_directory(path):
                scope = {**scope, "path": path + "/", "raw_path": scope.get("raw_path", path.encode()) + b"/"}
        await self.app(scope, receive, send)

    def _is_page_directory(self, path: str) -> bool:
        if not path.startswith(("/vi/", "/en/")) or path.endswith("/"):
            return False
        return _has_index(self._build_dir or frontend_build_dir(), path)


@functools.lru_cache(maxsize=4096)
def _has_index(build_dir: Path, path: str) -> bool:
    """The build does not change while the app runs, so each answer is kept."""
    normalized = posixpath.normpath(path).lstrip("/")
    if normalized.startswith("..") or normalized != path.lstrip("/"):
        return False
    return (build_dir / normalized / "index.html").is_file()
