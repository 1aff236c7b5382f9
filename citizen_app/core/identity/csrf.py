"""Tokens that prove a state-changing form was sent from the app's own page (sign-out).

The token is an HMAC of a purpose, keyed with the raw session cookie. Only the server and
the browser holding that (HttpOnly) cookie can compute it, and the server needs no store:
it recomputes it from the cookie the form arrives with. A new session (signing in again)
gives new tokens, so a token is never worth more than the session it belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from citizen_app.core.identity.sessions import session_token_from_cookie_header
from citizen_app.settings import Settings, get_settings

SIGN_OUT = "sign-out"


def form_token(raw_session: str | None, purpose: str = SIGN_OUT) -> str:
    """The token for ``purpose`` in this session; empty when there is no session."""
    if not raw_session:
        return ""
    digest = hmac.new(raw_session.encode(), f"citizen-app form\x00{purpose}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def form_token_for_cookies(
    cookie_header: str | None, purpose: str = SIGN_OUT, *, settings: Settings | None = None
) -> str:
    """The same, from a raw ``Cookie:`` header (what a Reflex state sees)."""
    settings = settings or get_settings()
    return form_token(session_token_from_cookie_header(cookie_header, settings.session_cookie_name), purpose)


def form_token_valid(raw_session: str | None, submitted: str | None, purpose: str = SIGN_OUT) -> bool:
    expected = form_token(raw_session, purpose)
    return bool(expected and submitted) and hmac.compare_digest(expected, submitted or "")
