"""The token endpoint: authlib's authorization server with the client-credentials grant only.

A partner posts ``grant_type=client_credentials`` (and optionally ``scope``) with its id and
secret (HTTP Basic, or ``client_id``/``client_secret`` in the form) and receives a bearer
token valid ``Settings.api_token_ttl_seconds``. Unknown, revoked or expired clients get
``invalid_client`` (401); unknown scopes ``invalid_scope``; a client asking for a scope it
was not given receives a token without it (RFC 6749 §3.3), and calls that need it are refused
with ``insufficient_scope``.

authlib asks the framework for a request object and hands back ``(status, body, headers)``;
this adapter takes a plain :class:`TokenRequest` (what the HTTP route read off the wire) and
returns a plain :class:`TokenResponse`, so the core needs no web framework. TLS is the reverse
proxy's business, as for the rest of the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from sqlalchemy import delete
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.oauth_adapter import (
    CLIENT_SECRET_METHODS,
    PlainOAuth2Request,
    granted_scope,
    random_bearer_tokens,
)
from citizen_app.core.open_data.clients import SCOPES, digest, secret_matches
from citizen_app.db.models.open_data import ApiClient, ApiToken
from citizen_app.settings import Settings, get_settings


@dataclass(frozen=True)
class TokenRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    form: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class TokenResponse:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


class _Headers(dict[str, str]):
    """Case-insensitive reads, as authlib expects of request headers."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__({key.lower(): value for key, value in headers.items()})

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


def _request(request: TokenRequest) -> PlainOAuth2Request:
    return PlainOAuth2Request(
        method=request.method, url=request.url, headers=_Headers(request.headers), form=request.form
    )


class _Client(ClientMixin):
    def __init__(self, row: ApiClient, now: datetime) -> None:
        self.row = row
        self.now = now

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(self.row.scopes or ())
        return granted_scope((scope or "").split() or sorted(allowed), allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return secret_matches(self.row, client_secret, self.now)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in CLIENT_SECRET_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class _ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(CLIENT_SECRET_METHODS)  # noqa: RUF012 - authlib reads a list


class PartnerAuthorizationServer(AuthorizationServer):
    """One per token request: it reads clients and writes tokens through the caller's session."""

    def __init__(self, db: Session, *, now: datetime, settings: Settings | None = None) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.db = db
        self.now = now
        self.ttl = (settings or get_settings()).api_token_ttl_seconds
        self.register_token_generator("default", random_bearer_tokens(48, self.ttl))
        self.register_grant(_ClientCredentials)

    def query_client(self, client_id: str) -> _Client | None:
        row = self.db.get(ApiClient, client_id) if client_id else None
        return _Client(row, self.now) if row is not None else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        client_id = request.client.get_client_id()
        # Expired tokens are of no use to anyone: clear them as new ones are issued.
        self.db.execute(delete(ApiToken).where(ApiToken.expires_at < self.now))
        self.db.add(
            ApiToken(
                token_hash=digest(token["access_token"]),
                client_id=client_id,
                scope=token.get("scope", ""),
                issued_at=self.now,
                expires_at=self.now + timedelta(seconds=int(token.get("expires_in", self.ttl))),
            )
        )
        audit.record(
            self.db, action="api.token", target_type="api_client", target_id=client_id, actor_role="partner",
            details={"scope": token.get("scope", "")},
        )

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request if isinstance(request, OAuth2Request) else _request(request)

    def handle_response(self, status: int, body: Any, headers: Iterable[tuple[str, str]]) -> TokenResponse:
        return TokenResponse(status=status, body=dict(body or {}), headers=list(headers or []))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's signal hook; nothing listens."""


def issue_token(db: Session, request: TokenRequest, *, now: datetime, settings: Settings | None = None) -> TokenResponse:
    """Answer a token request (RFC 6749 §4.4): a token, or the OAuth error and its status."""
    server = PartnerAuthorizationServer(db, now=now, settings=settings)
    response = server.create_token_response(_request(request))
    assert isinstance(response, TokenResponse)
    return response
