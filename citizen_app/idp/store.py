"""The sandbox provider's own small SQLite database (``<data_dir>/idp/idp.db``).

Nothing lives in process memory between requests, so any worker can serve any
step. Codes, access tokens and browser-session ids are stored as SHA-256
hashes; the raw values exist only in transit.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    code_challenge_method TEXT,
    auth_time INTEGER NOT NULL,
    acr TEXT,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    scope TEXT NOT NULL,
    code_hash TEXT,
    issued_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
    session_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    auth_time INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS consents (
    subject TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    granted_at REAL NOT NULL,
    PRIMARY KEY (subject, client_id)
);
CREATE TABLE IF NOT EXISTS assertion_ids (
    jti TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
);
"""


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class CodeRecord:
    code_hash: str
    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    acr: str | None

    # authlib's AuthorizationCodeMixin / OIDC AuthorizationCodeMixin
    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return self.acr

    def get_amr(self) -> list[str]:
        return ["pwd"]


@dataclass(frozen=True)
class TokenRecord:
    client_id: str
    subject: str
    scope: str
    expires_at: float
    revoked: bool

    # authlib's TokenMixin
    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return time.time() >= self.expires_at

    def is_revoked(self) -> bool:
        return self.revoked


@dataclass(frozen=True)
class BrowserSession:
    subject: str
    auth_time: int


class IdpStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)  # runs in its own transaction
        finally:
            connection.close()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """One short transaction; committed on success."""
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()

    # --- authorization codes -------------------------------------------------------------------------

    def save_code(
        self,
        code: str,
        *,
        client_id: str,
        redirect_uri: str,
        scope: str,
        subject: str,
        nonce: str | None,
        code_challenge: str | None,
        code_challenge_method: str | None,
        auth_time: int,
        acr: str | None,
        ttl_seconds: int,
    ) -> None:
        with self.connect() as db:
            db.execute(
                "INSERT INTO codes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                (
                    _hash(code), client_id, redirect_uri, scope, subject, nonce, code_challenge,
                    code_challenge_method, auth_time, acr, time.time() + ttl_seconds,
                ),
            )

    def redeem_code(self, code: str, client_id: str) -> CodeRecord | None:
        """Mark the code used and return it, in one step: only the first redemption wins.

        A second attempt with a used code revokes the tokens the first one got
        (RFC 6749 §4.1.2: a replayed code suggests it leaked).
        """
        key = _hash(code)
        with self.connect() as db:
            row = db.execute(
                "SELECT client_id, redirect_uri, scope, subject, nonce, code_challenge, "
                "code_challenge_method, auth_time, acr, expires_at, used FROM codes WHERE code_hash = ?",
                (key,),
            ).fetchone()
            if row is None or row[0] != client_id:
                return None
            if row[10]:
                db.execute("UPDATE tokens SET revoked = 1 WHERE code_hash = ?", (key,))
                return None
            if row[9] <= time.time():
                return None
            db.execute("UPDATE codes SET used = 1 WHERE code_hash = ?", (key,))
        return CodeRecord(key, *row[:9])

    def nonce_seen(self, client_id: str, nonce: str) -> bool:
        with self.connect() as db:
            row = db.execute(
                "SELECT 1 FROM codes WHERE client_id = ? AND nonce = ? AND expires_at > ?",
                (client_id, nonce, time.time()),
            ).fetchone()
        return row is not None

    # --- access tokens -----------------------------------------------------------------------------

    def save_token(
        self,
        access_token: str,
        *,
        client_id: str,
        subject: str,
        scope: str,
        code_hash: str | None,
        expires_in: int,
    ) -> None:
        now = time.time()
        with self.connect() as db:
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (_hash(access_token), client_id, subject, scope, code_hash, now, now + expires_in),
            )

    def find_token(self, access_token: str) -> TokenRecord | None:
        with self.connect() as db:
            row = db.execute(
                "SELECT client_id, subject, scope, expires_at, revoked FROM tokens WHERE token_hash = ?",
                (_hash(access_token),),
            ).fetchone()
        return TokenRecord(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    # --- browser sessions at the provider -------------------------------------------------------------

    def start_session(self, subject: str, ttl_seconds: int) -> str:
        raw = secrets.token_urlsafe(32)
        now = time.time()
        self.purge()  # a sign-in is rare enough to pay for the housekeeping
        with self.connect() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?)", (_hash(raw), subject, int(now), now + ttl_seconds)
            )
        return raw

    def find_session(self, raw: str | None) -> BrowserSession | None:
        if not raw:
            return None
        with self.connect() as db:
            row = db.execute(
                "SELECT subject, auth_time FROM sessions WHERE session_hash = ? AND expires_at > ?",
                (_hash(raw), time.time()),
            ).fetchone()
        return BrowserSession(row[0], row[1]) if row else None

    def end_session(self, raw: str | None) -> None:
        if raw:
            with self.connect() as db:
                db.execute("DELETE FROM sessions WHERE session_hash = ?", (_hash(raw),))

    def end_sessions_of(self, subject: str) -> None:
        with self.connect() as db:
            db.execute("DELETE FROM sessions WHERE subject = ?", (subject,))
            db.execute("UPDATE tokens SET revoked = 1 WHERE subject = ?", (subject,))

    # --- consents ----------------------------------------------------------------------------------

    def granted_scopes(self, subject: str, client_id: str) -> set[str]:
        with self.connect() as db:
            row = db.execute(
                "SELECT scope FROM consents WHERE subject = ? AND client_id = ?", (subject, client_id)
            ).fetchone()
        return set(row[0].split()) if row else set()

    def grant(self, subject: str, client_id: str, scopes: set[str]) -> None:
        with self.connect() as db:
            db.execute(
                "INSERT INTO consents VALUES (?, ?, ?, ?) ON CONFLICT (subject, client_id) "
                "DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at",
                (subject, client_id, " ".join(sorted(scopes)), time.time()),
            )

    # --- private_key_jwt replay protection ------------------------------------------------------------

    def use_assertion_id(self, jti: str, expires_at: float) -> bool:
        """True the first time a client assertion id is seen; False on replay."""
        with self.connect() as db:
            db.execute("DELETE FROM assertion_ids WHERE expires_at < ?", (time.time(),))
            try:
                db.execute("INSERT INTO assertion_ids VALUES (?, ?)", (jti, expires_at))
            except sqlite3.IntegrityError:
                return False
        return True

    def purge(self) -> None:
        now = time.time()
        with self.connect() as db:
            db.execute("DELETE FROM codes WHERE expires_at < ?", (now - 86400,))
            db.execute("DELETE FROM tokens WHERE expires_at < ?", (now,))
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
