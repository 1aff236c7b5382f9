"""The root of our states: the page's language and who is signed in.

Every page state inherits from :class:`AppState`. The session is looked up from the
HttpOnly cookie the browser sent when the websocket connected, on every page load
and again by every handler that acts for someone, so an expired or ended session
is noticed at once.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from citizen_app.core.dossiers.applying import Upload
from citizen_app.core.i18n import Msg, Translator, get_translator, normalize_locale
from citizen_app.core.identity.sessions import AuthenticatedUser, check_cookie_header
from citizen_app.web.event_threads import off_loop

__all__ = ["AppState", "Upload", "off_loop", "read_uploads"]


class AppState(rx.State):
    signed_in: bool = False
    user_name: str = ""
    is_staff: bool = False
    is_supervisor: bool = False
    # Set when a session timed out, so the sign-in link can say why.
    session_expired: bool = False
    # The database was too busy to take the last change (web/event_threads.py): the shell asks to try again.
    server_busy: bool = False

    @rx.var
    def locale(self) -> str:
        return normalize_locale(self.router.url.path.split("/")[1] if self.router.url.path else None)

    # ---- for subclasses (backend only: names starting with _ are not event handlers) ----
    def _t(self) -> Translator:
        return get_translator(self.locale)

    def _render(self, message: Msg) -> str:
        return self._t().render(message)

    def _here(self) -> str:
        """The current page with its query, for coming back after signing in."""
        url = self.router.url
        query = urlencode(dict(url.query_parameters)) if url.query_parameters else ""
        return f"{url.path}?{query}" if query else url.path

    def _current_user(self) -> AuthenticatedUser | None:
        check = check_cookie_header(self.router.headers.cookie)
        self.signed_in = check.user is not None
        self.session_expired = check.expired
        user = check.user
        self.user_name = user.display_name if user else ""
        self.is_staff = bool(user and user.is_staff)
        self.is_supervisor = bool(user and user.is_supervisor)
        return user

    # ---- events ----
    @rx.event
    def load_session(self) -> None:
        """First on_load of every page: refresh the header's signed-in state."""
        self._current_user()


async def read_uploads(files: list[rx.UploadFile], max_file_mb: int) -> list[Upload]:
    """The picked files for the core to check. One byte past the limit is enough for it to say
    "too large", so never more than that is held in memory."""
    limit = max_file_mb * 1024 * 1024
    return [
        Upload(filename=upload.name or "file", data=await upload.read(limit + 1), declared_type=upload.content_type)
        for upload in files
    ]
