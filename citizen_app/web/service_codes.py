"""An unknown service code answers 404, not a 200 page that only later says "not found".

``/{locale}/services/{code}`` is one dynamic page: for a code the catalogue does not hold
(curated procedures and the national index alike) the same page is served, and it tells the
person so in their language, but with status 404, so search engines, link checkers and
monitoring see what a person sees.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citizen_app.core.catalog import get_catalog

SERVICE_PATH = re.compile(r"^/(?:vi|en)/services/([^/]+)/?$")


def is_unknown_service(path: str) -> bool:
    match = SERVICE_PATH.match(path)
    if match is None:
        return False
    code = unquote(match.group(1))
    return get_catalog().get(code) is None


class UnknownServiceMiddleware:
    """Pure ASGI: the page passes through untouched, only its status becomes 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and is_unknown_service(scope.get("path", ""))
        ):
            await self.app(scope, receive, send)
            return

        async def send_not_found(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "status": 404, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, send_not_found)
