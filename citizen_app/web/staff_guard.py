"""Staff pages guarded at the HTTP level, before any of their HTML is served.

The Reflex state guards every staff page and handler too (``states/staff.py``); this
middleware adds the same check to the document request itself, so a citizen who types
``/vi/staff`` gets a 403 page in their language rather than the staff page's shell.
Someone not signed in (or whose session timed out) is sent to sign in and back.
Client-side navigation within the app never reaches here; the state's guard covers it.
"""

from __future__ import annotations

import logging
import posixpath
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from citizen_app.core.i18n import other_locale
from citizen_app.core.identity.denials import record_denial
from citizen_app.core.identity.permissions import PermissionDenied, require_staff
from citizen_app.core.identity.sessions import check_cookie_header, login_url
from citizen_app.db.engine import unit_of_work
from citizen_app.web.templating import render

log = logging.getLogger(__name__)

# /vi/staff, /en/staff/queue, and the files they are served from (/vi/staff.html, /vi/staff/index.html).
STAFF_PATH = re.compile(r"^/(vi|en)/staff(?=$|[/.])")


def staff_locale(path: str) -> str | None:
    """The page's language when ``path`` is a staff page, else None.

    The path is normalised first, the way the static file server would resolve it,
    so ``/vi//staff`` or ``/vi/x/../staff`` cannot slip past.
    """
    normalized = posixpath.normpath(path or "/")
    match = STAFF_PATH.match(normalized)
    return match.group(1) if match else None


def staff_page_response(cookie_header: str | None, path: str, query: str, locale: str) -> Response | None:
    """None lets the request through; otherwise the redirect to sign in, or the 403 page."""
    check = check_cookie_header(cookie_header)
    try:
        require_staff(check.user)
    except PermissionDenied as denied:
        if denied.user is None:
            target = f"{path}?{query}" if query else path
            return _no_store(RedirectResponse(login_url(target), status_code=303))
        with unit_of_work() as db:
            record_denial(db, denied, action="staff.page", target_type="page", target_id=path)
        other = other_locale(locale)
        response = render(
            "staff/forbidden.html",
            locale,
            status_code=403,
            name=denied.user.display_name,
            home_url=f"/{locale}/",
            sign_out_url=f"/auth/logout?next=/{locale}/",
            other_locale=other,
            other_url=f"/{other}/staff",
        )
        return _no_store(response)
    return None


class StaffGuardMiddleware:
    """Pure ASGI (streaming responses and the websocket pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        locale = staff_locale(scope.get("path", "")) if scope["type"] == "http" else None
        if locale is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # The session lookup touches the database: off the event loop.
        response = await run_in_threadpool(
            staff_page_response,
            request.headers.get("cookie"),
            request.url.path,
            request.url.query,
            locale,
        )
        if response is None:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
