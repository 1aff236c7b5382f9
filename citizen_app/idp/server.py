"""authlib's OAuth 2.0 / OpenID Connect server, wired to the sandbox's store and keys.

authlib ships no Starlette integration, so this module is the adapter:
:class:`RequestSnapshot` is what the async Starlette handler reads off the wire
(method, URL, headers, query, form) and :meth:`SandboxAuthorizationServer.create_oauth2_request`
turns it into authlib's request; :meth:`handle_response` turns authlib's
``(status, body, headers)`` back into a Starlette response.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    JsonPayload,
    JsonRequest,
    OAuth2Error,
    OAuth2Request,
    ResourceProtector,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from joserfc.jwk import ECKey, RSAKey
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response

from citizen_app.core.oauth_adapter import (
    CLIENT_SECRET_METHODS,
    PlainOAuth2Request,
    granted_scope,
    random_bearer_tokens,
)
from citizen_app.idp.accounts import DemoAccount, find_by_subject
from citizen_app.idp.keys import KeyStore
from citizen_app.idp.store import CodeRecord, IdpStore, TokenRecord

log = logging.getLogger(__name__)

SCOPES_SUPPORTED = ("openid", "profile", "vneid_identity", "phone", "email", "address")
ACCESS_TOKEN_TTL = 600
ID_TOKEN_TTL = 600


# --- the registered relying party --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredClient(ClientMixin):
    """A relying party known to the sandbox. Redirect URIs are compared exactly, never by prefix."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()
    public_key: RSAKey | ECKey | None = None  # enables private_key_jwt
    name: str = "Cổng Dịch vụ công"
    allowed_scopes: tuple[str, ...] = SCOPES_SUPPORTED

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": list(self.post_logout_redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # OpenID Connect requires redirect_uri in every request

    def get_allowed_scope(self, scope: str | None) -> str:
        return granted_scope((scope or "").split(), self.allowed_scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if method in CLIENT_SECRET_METHODS:
            return bool(self.client_secret)
        return method == "private_key_jwt" and self.public_key is not None

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class EndUser:
    """The person at the provider: a demo account and when they typed their password."""

    account: DemoAccount
    auth_time: int


# --- the Starlette adapter ---------------------------------------------------------------------------


@dataclass
class RequestSnapshot:
    """Everything authlib needs from a request, read once by the async handler."""

    method: str
    url: str
    headers: Headers
    query: list[tuple[str, str]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)
    cookies: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


class StarletteOAuth2Request(PlainOAuth2Request):
    def __init__(self, snapshot: RequestSnapshot) -> None:
        # The sandbox accepts plain http on purpose (`make run` serves it over http). Real providers must not.
        super().__init__(
            method=snapshot.method, url=snapshot.url, headers=snapshot.headers, query=snapshot.query, form=snapshot.form
        )
        self.cookies = snapshot.cookies


class _JsonPayload(JsonPayload):
    def __init__(self, data: Any) -> None:
        self._data = data

    @property
    def data(self) -> Any:
        return self._data


# --- grants and extensions ---------------------------------------------------------------------------


class S256CodeChallenge(CodeChallenge):
    """PKCE, required for every client, S256 only: "plain" or a missing challenge is refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012 - authlib reads a list
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge (method S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is accepted.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: Any, result: Any) -> None:
        request = grant.request
        if not self.get_authorization_code_challenge(request.authorization_code):
            raise InvalidGrantError("This code was issued without PKCE.")
        if not request.form.get("code_verifier"):
            raise InvalidRequestError("Missing 'code_verifier'")
        super().validate_code_verifier(grant, result)


class SandboxCodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = [*CLIENT_SECRET_METHODS, "private_key_jwt"]  # noqa: RUF012 - authlib reads a list

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        user: EndUser = request.user
        data = request.payload.data
        self.server.store.save_code(
            code,
            client_id=request.client.get_client_id(),
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            subject=user.account.subject,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=user.auth_time,
            acr=user.account.acr,
            ttl_seconds=self.server.code_ttl_seconds,
        )

    def query_authorization_code(self, code: str, client: RegisteredClient) -> CodeRecord | None:
        return self.server.store.redeem_code(code, client.get_client_id())

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        """Already marked used when redeemed; kept so a replay can be recognised."""

    def authenticate_user(self, authorization_code: CodeRecord) -> EndUser | None:
        account = find_by_subject(authorization_code.subject)
        return EndUser(account, authorization_code.auth_time) if account else None


class SandboxOpenIDCode(OpenIDCode):
    DEFAULT_EXPIRES_IN = ID_TOKEN_TTL

    def __init__(self, server: SandboxAuthorizationServer) -> None:
        # OIDC makes nonce optional for the code flow; the sandbox insists, to keep clients honest.
        super().__init__(require_nonce=True)
        self.server = server

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.server.store.nonce_seen(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: RegisteredClient) -> Any:
        return self.server.keys.signing_key()

    def get_client_algorithm(self, client: RegisteredClient) -> str:
        return "ES256" if isinstance(self.server.keys.signing_key(), ECKey) else "RS256"

    def get_encode_header(self, client: RegisteredClient) -> dict[str, str]:
        return {"alg": self.get_client_algorithm(client), "kid": self.server.keys.active_kid, "typ": "JWT"}

    def get_client_claims(self, client: RegisteredClient) -> dict[str, Any]:
        return {"iss": self.server.issuer, "aud": client.get_client_id(), "azp": client.get_client_id()}

    def generate_user_info(self, user: EndUser, scope: str) -> dict[str, Any]:
        # The ID token stays lean: it travels in logout URLs (id_token_hint) and sits in the relying
        # party's session table, so personal data is served by userinfo only, to the access token.
        claims = user.account.claims_for(set(scope.split()))
        return {name: claims[name] for name in ("sub", "vneid_level") if name in claims}


class PrivateKeyJwtAuthentication(JWTBearerClientAssertion):
    """private_key_jwt (RFC 7523 §2.2): the client signs a short assertion with its own key."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, server: SandboxAuthorizationServer) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.server = server

    def get_audiences(self) -> list[str]:
        return [self.server.endpoint("token"), self.server.issuer]

    def validate_jti(self, claims: Mapping[str, Any], jti: str) -> bool:
        return self.server.store.use_assertion_id(f"{claims['sub']}:{jti}", float(claims["exp"]))

    def resolve_client_public_key(self, client: RegisteredClient) -> Any:
        return client.public_key


class _AccessTokenValidator(BearerTokenValidator):
    def __init__(self, store: IdpStore) -> None:
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string: str) -> TokenRecord | None:
        return self.store.find_token(token_string)


class SandboxEndSession(EndSessionEndpoint):
    def get_server_jwks(self) -> dict[str, Any]:
        return self.server.keys.public_jwks()

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        claims = end_session_request.id_token_claims or {}
        subject = claims.get("sub")
        if isinstance(subject, str):
            self.server.store.end_sessions_of(subject)


# --- the server --------------------------------------------------------------------------------------


class SandboxAuthorizationServer(AuthorizationServer):
    def __init__(
        self,
        *,
        issuer: str,
        store: IdpStore,
        keys: KeyStore,
        clients: Iterable[RegisteredClient],
        code_ttl_seconds: int = 300,
    ) -> None:
        super().__init__(scopes_supported=list(SCOPES_SUPPORTED))
        self.issuer = issuer.rstrip("/")
        self.store = store
        self.keys = keys
        self.code_ttl_seconds = code_ttl_seconds
        self._clients = {client.client_id: client for client in clients}
        self.register_token_generator("default", random_bearer_tokens(42, ACCESS_TOKEN_TTL))
        self.register_grant(SandboxCodeGrant, [S256CodeChallenge(required=True), SandboxOpenIDCode(self)])
        self.register_client_auth_method("private_key_jwt", PrivateKeyJwtAuthentication(self))
        self.register_endpoint(SandboxEndSession(self))
        self.resource_protector = ResourceProtector()
        self.resource_protector.register_token_validator(_AccessTokenValidator(store))

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}/{name}"

    # authlib hooks

    def query_client(self, client_id: str) -> RegisteredClient | None:
        return self._clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        code: CodeRecord | None = request.authorization_code
        self.store.save_token(
            token["access_token"],
            client_id=request.client.get_client_id(),
            subject=request.user.account.subject,
            scope=token.get("scope", ""),
            code_hash=code.code_hash if code else None,
            expires_in=int(token.get("expires_in", ACCESS_TOKEN_TTL)),
        )

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        if isinstance(request, OAuth2Request):
            return request
        return StarletteOAuth2Request(request)

    def create_json_request(self, request: RequestSnapshot) -> JsonRequest:
        json_request = JsonRequest(request.method, request.url, request.headers)
        try:
            data = json.loads(request.body) if request.body else None
        except ValueError:
            data = None
        json_request.payload = _JsonPayload(data)
        return json_request

    def handle_response(self, status: int, body: Any, headers: Iterable[tuple[str, str]]) -> Response:
        header_map = dict(headers or [])
        if isinstance(body, dict):
            header_map.pop("Content-Type", None)
            return JSONResponse(body, status_code=status, headers=header_map)
        return Response(body or b"", status_code=status, headers=header_map)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """authlib's signal hook; the sandbox has no listeners."""

    # userinfo

    def userinfo_response(self, snapshot: RequestSnapshot) -> Response:
        request = self.create_oauth2_request(snapshot)
        try:
            token: TokenRecord = self.resource_protector.validate_request(["openid"], request)
        except OAuth2Error as error:
            return self.handle_error_response(request, error)
        account = find_by_subject(token.subject)
        if account is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        claims = account.claims_for(set(token.scope.split()))
        return JSONResponse(claims, headers={"Cache-Control": "no-store"})
