"""Partner systems: registered by an operator, authenticated by OAuth 2 client credentials.

A client has an id, a secret shown once at registration, the scopes it may ask for, and the
province whose dossiers it handles. Secrets and access tokens are long random strings stored
only as SHA-256 digests. A secret may expire (``secret_expires_at``, RFC 7591) and a client
may be revoked; from then on the token endpoint refuses it, and its tokens stop working.

Scopes:

* ``dossiers:read``: read the status of the province's dossiers;
* ``dossiers:status``: push status updates for them (through the dossier lifecycle).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.db.models.open_data import ApiClient, ApiToken

SCOPES: tuple[str, ...] = ("dossiers:read", "dossiers:status")
SCOPE_DESCRIPTIONS = {
    "dossiers:read": "Read the status of the dossiers of the client's province",
    "dossiers:status": "Push status updates for the dossiers of the client's province",
}


class ApiAuthError(Exception):
    """A refused call: ``error`` is the RFC 6750 code, ``status`` the HTTP status."""

    def __init__(self, error: str, description: str, status: int = 401, scope: str | None = None) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.scope = scope


@dataclass(frozen=True)
class Partner:
    """Who is calling, from a valid access token."""

    client_id: str
    name: str
    scopes: frozenset[str]
    province_code: str | None

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise ApiAuthError(
                "insufficient_scope", f"This call needs the scope {scope}", status=403, scope=scope
            )


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    name: str
    scopes: tuple[str, ...]
    province_code: str | None
    created_at: datetime
    secret_expires_at: datetime | None
    revoked_at: datetime | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(client: ApiClient, secret: str, now: datetime) -> bool:
    """The secret is this client's, the client is not revoked and its secret has not expired."""
    if client.revoked_at is not None:
        return False
    if client.secret_expires_at is not None and client.secret_expires_at <= now:
        return False
    return hmac.compare_digest(client.secret_hash, digest(secret))


def register_client(
    db: Session,
    *,
    name: str,
    scopes: tuple[str, ...],
    province_code: str | None,
    now: datetime,
    secret_valid_days: int | None = 365,
) -> tuple[str, str]:
    """A new client: ``(client_id, client_secret)``. The secret is not kept: give it to the partner now."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scopes {unknown}; known: {', '.join(SCOPES)}")
    if province_code is not None and not (len(province_code) == 2 and province_code.isdigit()):
        raise ValueError(f"province code must be 2 digits, got {province_code!r}")
    client_id = f"pc_{secrets.token_hex(10)}"
    secret = secrets.token_urlsafe(32)
    db.add(
        ApiClient(
            client_id=client_id,
            name=name.strip()[:200],
            secret_hash=digest(secret),
            scopes=list(dict.fromkeys(scopes)),
            province_code=province_code,
            created_at=now,
            secret_expires_at=now + timedelta(days=secret_valid_days) if secret_valid_days else None,
        )
    )
    audit.record(
        db, action="api.client.register", target_type="api_client", target_id=client_id, actor_role="operator",
        details={"name": name, "scopes": list(scopes), "province": province_code},
    )
    return client_id, secret


def revoke_client(db: Session, client_id: str, *, now: datetime) -> bool:
    client = db.get(ApiClient, client_id)
    if client is None or client.revoked_at is not None:
        return False
    client.revoked_at = now
    audit.record(db, action="api.client.revoke", target_type="api_client", target_id=client_id, actor_role="operator")
    return True


def list_clients(db: Session) -> list[RegisteredClient]:
    return [
        RegisteredClient(
            client_id=c.client_id,
            name=c.name,
            scopes=tuple(c.scopes or ()),
            province_code=c.province_code,
            created_at=c.created_at,
            secret_expires_at=c.secret_expires_at,
            revoked_at=c.revoked_at,
        )
        for c in db.scalars(select(ApiClient).order_by(ApiClient.created_at))
    ]


def authenticate(db: Session, authorization: str | None, *, now: datetime) -> Partner:
    """The partner behind ``Authorization: Bearer <token>``; :class:`ApiAuthError` otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiAuthError("invalid_request", "Send an access token: Authorization: Bearer <token>")
    row = db.execute(
        select(ApiToken, ApiClient)
        .join(ApiClient, ApiClient.client_id == ApiToken.client_id)
        .where(ApiToken.token_hash == digest(token.strip()))
    ).one_or_none()
    if row is None:
        raise ApiAuthError("invalid_token", "The access token is not valid")
    issued, client = row
    if issued.expires_at <= now:
        raise ApiAuthError("invalid_token", "The access token has expired")
    if client.revoked_at is not None:
        raise ApiAuthError("invalid_token", "The client of this access token was revoked")
    return Partner(
        client_id=client.client_id,
        name=client.name,
        scopes=frozenset(issued.scope.split()) & frozenset(client.scopes or ()),
        province_code=client.province_code,
    )
