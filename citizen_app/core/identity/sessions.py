"""Server-side sessions: a random token in an HttpOnly cookie, only its hash in the database.

The Reflex state calls :func:`resolve_session` on every event with the raw cookie
value; the answer is either the signed-in person or None. Idle and absolute
timeouts come from Settings (15 minutes and 8 hours by default).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citizen_app.core.identity.users import ROLE_CITIZEN, ROLE_SUPERVISOR, STAFF_ROLES, primary_role
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.identity import AuthSession, LoginTransaction, User
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits
# Reflex sends many events a minute; writing last-seen at most this often keeps the idle limit
# accurate to well under a minute without a database write per keystroke.
TOUCH_INTERVAL = timedelta(seconds=30)
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # token_urlsafe(32) is 43 characters

SessionProblem = Literal["missing", "malformed", "unknown", "ended", "idle", "absolute"]


@dataclass(frozen=True)
class AuthenticatedUser:
    """Who is signed in, as every request handler and state sees it. Immutable on purpose."""

    user_id: int
    display_name: str
    roles: tuple[str, ...]
    unit_level: str | None
    unit_code: str | None
    assurance_level: int
    locale: str
    session_id: str

    @property
    def is_staff(self) -> bool:
        return any(role in STAFF_ROLES for role in self.roles)

    @property
    def is_supervisor(self) -> bool:
        return ROLE_SUPERVISOR in self.roles

    @property
    def actor_role(self) -> str:
        """The single role written to the audit trail."""
        return primary_role(self.roles)


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of looking a cookie up: a user, or why not (for "your session expired" notices)."""

    user: AuthenticatedUser | None
    problem: SessionProblem | None = None

    @property
    def expired(self) -> bool:
        return self.problem in ("idle", "absolute")


def new_session_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii", "replace")).hexdigest()


def create_session(
    db: Session,
    user: User,
    now: datetime,
    *,
    locale: str = "vi",
    id_token: str | None = None,
    settings: Settings | None = None,
    provider: str = "citizen",
) -> tuple[str, AuthSession]:
    """A new session for ``user``; returns the raw token (for the cookie only) and the row.

    ``provider`` is the key of the identity provider that signed the person in (logout goes there).
    """
    settings = settings or get_settings()
    raw = new_session_token()
    row = AuthSession(
        id=uuid.uuid4().hex,
        user_id=user.id,
        token_hash=hash_token(raw),
        created_at=now,
        last_seen_at=now,
        absolute_expires_at=now + timedelta(hours=settings.session_absolute_hours),
        locale=locale,
        id_token=id_token,
        provider=provider,
    )
    db.add(row)
    db.flush()
    log.info("session %s started for user %s", row.id, user.id)
    return raw, row


def check_session(
    db: Session, raw_token: str | None, now: datetime, *, settings: Settings | None = None
) -> SessionCheck:
    """Like :func:`resolve_session`, but says why there is no user."""
    settings = settings or get_settings()
    if not raw_token:
        return SessionCheck(None, "missing")
    if not _TOKEN_SHAPE.match(raw_token):
        # Never log the value: a near-miss may still be most of a real token.
        log.warning("session cookie rejected: malformed value (%d characters)", len(raw_token))
        return SessionCheck(None, "malformed")
    row = db.scalars(select(AuthSession).where(AuthSession.token_hash == hash_token(raw_token))).one_or_none()
    if row is None:
        log.warning("session cookie rejected: no session has this token (tampered or forged)")
        return SessionCheck(None, "unknown")
    if row.ended_at is not None:
        return SessionCheck(None, "ended")
    idle_deadline = row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    absolute_deadline = min(
        row.absolute_expires_at, row.created_at + timedelta(hours=settings.session_absolute_hours)
    )
    problem: SessionProblem | None = None
    if now >= absolute_deadline:
        problem = "absolute"
    elif now >= idle_deadline:
        problem = "idle"
    if problem:
        row.ended_at, row.end_reason = now, problem
        log.info("session %s expired (%s timeout)", row.id, problem)
        return SessionCheck(None, problem)
    user = db.get(User, row.user_id)
    if user is None:
        return SessionCheck(None, "unknown")
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = now
    locale = user.profile.preferred_locale if user.profile else row.locale
    return SessionCheck(
        AuthenticatedUser(
            user_id=user.id,
            display_name=user.display_name,
            roles=tuple(user.roles or (ROLE_CITIZEN,)),
            unit_level=user.unit_level,
            unit_code=user.unit_code,
            assurance_level=user.assurance_level,
            locale=locale,
            session_id=row.id,
        )
    )


def resolve_session(
    db: Session, raw_token: str | None, now: datetime, *, settings: Settings | None = None
) -> AuthenticatedUser | None:
    """The signed-in user for this cookie value, touching last-seen; None when absent, expired or forged.

    Does not commit: run it inside ``unit_of_work()`` so the touch (or the expiry mark) is saved.
    """
    return check_session(db, raw_token, now, settings=settings).user


def check_cookie_header(
    cookie_header: str | None, *, now: datetime | None = None, settings: Settings | None = None
) -> SessionCheck:
    """The session behind a raw ``Cookie:`` header, in its own short transaction.

    Own transaction on purpose: this is what a Reflex event handler calls first
    (``self.router.headers.cookie``), before it knows whether it will write anything.
    """
    settings = settings or get_settings()
    raw = session_token_from_cookie_header(cookie_header, settings.session_cookie_name)
    if not raw:
        return SessionCheck(None, "missing")
    with unit_of_work() as db:
        return check_session(db, raw, now or utcnow(), settings=settings)


def login_url(next_path: str) -> str:
    """Where to send someone who must sign in and then come back to ``next_path`` (e.g. mid-form).

    The route picks the provider: staff pages go to the staff sign-on when one is configured
    (``core.identity.providers.ProviderRegistry.for_next_path``).
    """
    return "/auth/login?next=" + quote(next_path, safe="/")


LOGOUT_URL = "/auth/logout"


def end_session(
    db: Session, raw_token: str | None, now: datetime, reason: str = "logout"
) -> AuthSession | None:
    """End the session behind this cookie value, if any; returns it (its id_token serves as logout hint)."""
    if not raw_token or not _TOKEN_SHAPE.match(raw_token):
        return None
    row = db.scalars(select(AuthSession).where(AuthSession.token_hash == hash_token(raw_token))).one_or_none()
    if row is None:
        return None
    if row.ended_at is None:
        row.ended_at, row.end_reason = now, reason
        log.info("session %s ended (%s)", row.id, reason)
    return row


def purge_stale(db: Session, now: datetime, *, keep_days: int = 30) -> None:
    """Drop expired sign-in attempts and long-ended sessions (housekeeping; safe to run any time)."""
    db.execute(delete(LoginTransaction).where(LoginTransaction.expires_at < now))
    db.execute(
        delete(AuthSession).where(
            AuthSession.ended_at.is_not(None), AuthSession.ended_at < now - timedelta(days=keep_days)
        )
    )


def session_token_from_cookie_header(cookie_header: str | None, name: str) -> str | None:
    """The raw value of cookie ``name`` in a ``Cookie:`` header (what Reflex's router exposes).

    Split by hand rather than with ``http.cookies``: SimpleCookie silently drops every cookie
    after one it cannot parse, and other scripts on the site may set odd ones.
    """
    for part in (cookie_header or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key.strip() == name:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value or None
    return None


def session_cookie_options(settings: Settings | None = None) -> dict[str, Any]:
    """Keyword arguments for Starlette's ``set_cookie``/``delete_cookie``."""
    settings = settings or get_settings()
    # No max_age: a browser-session cookie; the server enforces idle and absolute limits anyway.
    return {
        "key": settings.session_cookie_name,
        "httponly": True,
        "samesite": "lax",
        "secure": settings.uses_https,
        "path": "/",
    }
