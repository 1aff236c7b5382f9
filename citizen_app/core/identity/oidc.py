"""OpenID Connect client: authorization code flow with PKCE (S256), state and nonce.

One client per identity provider (``core.identity.providers``), configured only from
Settings: the issuer's discovery document supplies every endpoint, so pointing the app at
another provider is a matter of environment variables (docs/identity.md).

The flow is split so no database transaction is held open while the provider is
called:

1. :meth:`OidcClient.begin_login` stores a single-use :class:`LoginTransaction`
   (hash of ``state``, ``nonce``, PKCE verifier, where to return) and returns the
   provider's authorization URL.
2. :func:`consume_login_transaction` takes that row back by ``state`` and deletes
   it; the caller commits at once, so a replayed callback finds nothing.
3. :meth:`OidcClient.finish_login` exchanges the code, validates the ID token
   (signature against the JWKS, fetched once more for an unknown ``kid`` or when a cached
   key does not verify, e.g. a key rotated under the same ``kid``; then ``iss``, ``aud``,
   ``exp``, ``iat``, ``nonce``) and reads userinfo.

Every failure is a :class:`LoginError` with a :class:`LoginFailure` reason; its
``detail`` is safe to log (never a code, token, state or cookie).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import ECKey, KeySet, RSAKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citizen_app.core.identity.claims import IdentityClaims
from citizen_app.core.identity.providers import IdentityProvider, identity_providers
from citizen_app.core.identity.users import STAFF_ROLES
from citizen_app.db.models.identity import LoginTransaction
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TTL_SECONDS = 3600
# A key the provider withdrew (say, after a leak) must stop being trusted without a restart.
JWKS_TTL_SECONDS = 600
# Asymmetric algorithms only: "none" and HMAC (keyed with the client secret) are never accepted.
ACCEPTED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


class LoginFailure(StrEnum):
    STATE_MISSING = "state_missing"
    STATE_MISMATCH = "state_mismatch"
    LOGIN_EXPIRED = "login_expired"
    ACCESS_DENIED = "access_denied"
    PROVIDER_ERROR = "provider_error"
    CODE_MISSING = "code_missing"
    CODE_REJECTED = "code_rejected"
    NONCE_MISMATCH = "nonce_mismatch"
    TOKEN_SIGNATURE = "token_signature"
    TOKEN_ISSUER = "token_issuer"
    TOKEN_AUDIENCE = "token_audience"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    PROVIDER_UNREACHABLE = "provider_unreachable"
    PROVIDER_TIMEOUT = "provider_timeout"
    # A staff sign-on signs in staff only; a citizen who lands there is sent to the citizen provider.
    NOT_STAFF = "not_staff"


class LoginError(Exception):
    """Sign-in could not complete. ``detail`` is for logs and carries no secret."""

    def __init__(
        self,
        reason: LoginFailure,
        detail: str = "",
        *,
        next_path: str | None = None,
        locale: str | None = None,
    ) -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
        self.next_path = next_path
        self.locale = locale


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of a discovery document the client uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None
    id_token_signing_alg_values_supported: tuple[str, ...] = ()
    code_challenge_methods_supported: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, document: Mapping[str, Any], expected_issuer: str) -> ProviderMetadata:
        issuer = document.get("issuer")
        # OIDC Discovery §4.3: the issuer in the document must be the one we asked.
        if not isinstance(issuer, str) or issuer.rstrip("/") != expected_issuer.rstrip("/"):
            raise LoginError(LoginFailure.PROVIDER_ERROR, "discovery issuer differs from the configured issuer")
        try:
            return cls(
                issuer=issuer,
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                userinfo_endpoint=document.get("userinfo_endpoint"),
                end_session_endpoint=document.get("end_session_endpoint"),
                id_token_signing_alg_values_supported=tuple(
                    document.get("id_token_signing_alg_values_supported") or ()
                ),
                code_challenge_methods_supported=tuple(
                    document.get("code_challenge_methods_supported") or ()
                ),
            )
        except KeyError as missing:
            raise LoginError(LoginFailure.PROVIDER_ERROR, f"discovery lacks {missing}") from None


@dataclass(frozen=True)
class PendingLogin:
    """A login transaction taken back at the callback (detached from the database)."""

    nonce: str
    code_verifier: str
    redirect_uri: str
    next_path: str
    locale: str
    provider: str = "citizen"


@dataclass(frozen=True)
class VerifiedLogin:
    """A completed sign-in: validated ID token claims merged with userinfo, read through the
    provider's claim and assurance mappings."""

    issuer: str
    subject: str
    claims: dict[str, Any]
    id_token: str
    next_path: str
    locale: str
    identity: IdentityClaims
    provider: str = "citizen"


@dataclass(frozen=True)
class ProviderCheck:
    """What ``oidc check`` found at one provider; ``ok`` when the app can sign people in there."""

    provider: str
    metadata: ProviderMetadata | None
    key_count: int
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.metadata is not None and not self.problems


@dataclass
class _Caches:
    lock: threading.Lock = field(default_factory=threading.Lock)
    discovery: dict[str, tuple[float, ProviderMetadata]] = field(default_factory=dict)
    jwks: dict[str, tuple[float, KeySet]] = field(default_factory=dict)


# Per process. These are caches of public provider data, not state: any worker can rebuild them.
_caches = _Caches()


def reset_caches() -> None:
    with _caches.lock:
        _caches.discovery.clear()
        _caches.jwks.clear()


def hash_state(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


class OidcClient:
    """This app as the relying party of one provider. Cheap to build; caches are shared per process.

    Without a provider, the default (citizen) provider of ``settings`` is used.
    """

    def __init__(
        self,
        provider: IdentityProvider | None = None,
        *,
        settings: Settings | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.provider = provider or identity_providers(self.settings).default
        self._transport = transport

    # --- provider metadata -------------------------------------------------------------------------

    def metadata(self, *, refresh: bool = False) -> ProviderMetadata:
        issuer = self.provider.issuer
        now = time.monotonic()
        with _caches.lock:
            cached = _caches.discovery.get(issuer)
        if cached and not refresh and now - cached[0] < DISCOVERY_TTL_SECONDS:
            return cached[1]
        with self._http() as http, _provider_call("discovery"):
            response = http.get(issuer.rstrip("/") + DISCOVERY_PATH)
            document = _json_object(response, "discovery")
        metadata = ProviderMetadata.from_document(document, issuer)
        with _caches.lock:
            _caches.discovery[issuer] = (now, metadata)
        return metadata

    def _jwks(self, metadata: ProviderMetadata, *, refresh: bool = False) -> tuple[KeySet, bool]:
        """The provider's keys, and whether they were fetched just now (False: from the cache)."""
        now = time.monotonic()
        with _caches.lock:
            cached = _caches.jwks.get(metadata.jwks_uri)
        if cached is not None and not refresh and now - cached[0] < JWKS_TTL_SECONDS:
            return cached[1], False
        with self._http() as http, _provider_call("jwks"):
            document = _json_object(http.get(metadata.jwks_uri), "jwks")
        keyset = _import_public_keys(document)
        with _caches.lock:
            _caches.jwks[metadata.jwks_uri] = (now, keyset)
        return keyset, True

    def check(self) -> ProviderCheck:
        """Discovery and keys fetched afresh, and what this app needs of them (``oidc check``)."""
        try:
            metadata = self.metadata(refresh=True)
            keyset, _fresh = self._jwks(metadata, refresh=True)
        except LoginError as error:
            return ProviderCheck(self.provider.key, None, 0, (f"{error.reason.value}: {error.detail}",))
        problems = []
        if not keyset.keys:
            problems.append("the JWKS has no RSA or EC signing key")
        if metadata.code_challenge_methods_supported and "S256" not in metadata.code_challenge_methods_supported:
            problems.append("PKCE S256 is not offered")
        algorithms = metadata.id_token_signing_alg_values_supported
        if algorithms and not set(algorithms) & set(ACCEPTED_ALGORITHMS):
            problems.append("no asymmetric ID token signing algorithm is offered")
        return ProviderCheck(self.provider.key, metadata, len(keyset.keys), tuple(problems))

    # --- step 1: send the browser to the provider --------------------------------------------------

    def begin_login(self, db: Session, *, next_path: str, locale: str, now: datetime) -> str:
        """Store a login transaction and return the provider's authorization URL (raises LoginError)."""
        metadata = self.metadata()
        if (
            metadata.code_challenge_methods_supported
            and "S256" not in metadata.code_challenge_methods_supported
        ):
            raise LoginError(LoginFailure.PROVIDER_ERROR, "provider does not offer PKCE S256")
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43..128
        db.execute(delete(LoginTransaction).where(LoginTransaction.expires_at < now))
        provider = self.provider
        db.add(
            LoginTransaction(
                state_hash=hash_state(state),
                nonce=nonce,
                code_verifier=verifier,
                redirect_uri=provider.redirect_uri,
                next_path=next_path,
                locale=locale,
                created_at=now,
                expires_at=now + timedelta(minutes=self.settings.oidc_login_timeout_minutes),
                provider=provider.key,
            )
        )
        db.flush()
        url = prepare_grant_uri(
            metadata.authorization_endpoint,
            client_id=provider.client_id,
            response_type="code",
            redirect_uri=provider.redirect_uri,
            scope=provider.scopes,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
            ui_locales=locale,
        )
        return url

    # --- step 3: code → tokens → verified claims -----------------------------------------------------

    def finish_login(
        self, pending: PendingLogin, params: Mapping[str, str], *, now: datetime
    ) -> VerifiedLogin:
        """Check the callback parameters, redeem the code and validate what comes back."""
        try:
            return self._finish(pending, params, now)
        except LoginError as error:
            error.next_path, error.locale = error.next_path or pending.next_path, pending.locale
            raise

    def _finish(self, pending: PendingLogin, params: Mapping[str, str], now: datetime) -> VerifiedLogin:
        if pending.provider != self.provider.key:
            # A sign-in started with one provider must come back through that provider's callback.
            raise LoginError(LoginFailure.STATE_MISMATCH, "callback of another provider than the sign-in's")
        if params.get("error"):
            code = params["error"]
            if code == "access_denied":
                raise LoginError(LoginFailure.ACCESS_DENIED, "the person declined at the provider")
            raise LoginError(LoginFailure.PROVIDER_ERROR, f"authorization error {_safe_token(code)}")
        code = params.get("code")
        if not code:
            raise LoginError(LoginFailure.CODE_MISSING, "callback has no code")
        metadata = self.metadata()
        token = self._redeem(metadata, code, pending)
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise LoginError(LoginFailure.TOKEN_INVALID, "token response has no id_token")
        claims = self.verify_id_token(id_token, nonce=pending.nonce, metadata=metadata, now=now)
        access_token = token.get("access_token")
        if metadata.userinfo_endpoint and isinstance(access_token, str):
            userinfo = self._userinfo(metadata.userinfo_endpoint, access_token)
            if userinfo.get("sub") != claims["sub"]:
                raise LoginError(LoginFailure.TOKEN_INVALID, "userinfo sub differs from the ID token")
            # Signed ID token claims win over userinfo where both speak.
            claims = {**userinfo, **claims}
        return VerifiedLogin(
            issuer=metadata.issuer,
            subject=claims["sub"],
            claims=claims,
            id_token=id_token,
            next_path=pending.next_path,
            locale=pending.locale,
            identity=self._identity(claims, pending),
            provider=self.provider.key,
        )

    def _identity(self, claims: Mapping[str, Any], pending: PendingLogin) -> IdentityClaims:
        """The person, read the way this provider declares; a staff sign-on admits staff only."""
        try:
            identity = self.provider.identity(claims)
        except ValueError:
            raise LoginError(LoginFailure.TOKEN_INVALID, "claims unusable") from None
        if self.provider.is_staff_sign_on and not STAFF_ROLES.intersection(identity.roles):
            # Home, not the staff page they asked for: they are offered the citizen sign-in there.
            raise LoginError(
                LoginFailure.NOT_STAFF, "no staff role at the staff sign-on", next_path=f"/{pending.locale}/"
            )
        return identity

    def _redeem(self, metadata: ProviderMetadata, code: str, pending: PendingLogin) -> dict[str, Any]:
        body = prepare_token_request(
            "authorization_code",
            code=code,
            redirect_uri=pending.redirect_uri,
            code_verifier=pending.code_verifier,
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        auth = self._client_auth(metadata)
        url, headers, body = auth.prepare("POST", metadata.token_endpoint, headers, body)
        with self._http() as http, _provider_call("token"):
            response = http.post(url, content=body, headers=headers)
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            status = response.status_code
            raise LoginError(LoginFailure.PROVIDER_ERROR, f"token endpoint: HTTP {status}, not JSON")
        if response.status_code != 200 or "error" in document:
            error = str(document.get("error") or "")
            reason = LoginFailure.CODE_REJECTED if error == "invalid_grant" else LoginFailure.PROVIDER_ERROR
            status = response.status_code
            raise LoginError(reason, f"token endpoint said {_safe_token(error)} (HTTP {status})")
        return document

    def _userinfo(self, endpoint: str, access_token: str) -> dict[str, Any]:
        with self._http() as http, _provider_call("userinfo"):
            response = http.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
            return _json_object(response, "userinfo")

    def verify_id_token(
        self, id_token: str, *, nonce: str, metadata: ProviderMetadata | None = None, now: datetime
    ) -> dict[str, Any]:
        """Signature, then iss, aud/azp, exp, iat, nbf, nonce and sub; returns the claims."""
        metadata = metadata or self.metadata()
        try:
            header = jws.extract_compact(id_token.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError):
            raise LoginError(LoginFailure.TOKEN_INVALID, "ID token is not a compact JWS") from None
        alg, kid = header.get("alg"), header.get("kid")
        allowed = set(ACCEPTED_ALGORITHMS)
        if metadata.id_token_signing_alg_values_supported:
            allowed &= set(metadata.id_token_signing_alg_values_supported)
        if alg not in allowed:
            raise LoginError(LoginFailure.TOKEN_SIGNATURE, f"algorithm {_safe_token(str(alg))} not accepted")
        keyset, fresh = self._jwks(metadata)
        key = _select_key(keyset, kid, alg)
        if key is None and not fresh:
            # The provider may have rotated its keys since we last looked: refetch once, not more.
            log.info("ID token key %s not in cached JWKS; refetching", _safe_token(str(kid)))
            keyset, fresh = self._jwks(metadata, refresh=True)
            key = _select_key(keyset, kid, alg)
        if key is None:
            raise LoginError(LoginFailure.TOKEN_SIGNATURE, "no provider key matches the ID token")
        try:
            claims = _decode(id_token, key, alg)
        except BadSignatureError:
            if fresh:
                raise LoginError(LoginFailure.TOKEN_SIGNATURE, "ID token signature does not verify") from None
            # A cached key that no longer verifies: the provider may have replaced the key behind the
            # same kid. Its current keys decide, fetched once more; a second failure is final.
            log.info("ID token does not verify with cached key %s; refetching the JWKS", _safe_token(str(kid)))
            key = _select_key(self._jwks(metadata, refresh=True)[0], kid, alg)
            if key is None:
                raise LoginError(LoginFailure.TOKEN_SIGNATURE, "no provider key matches the ID token") from None
            try:
                claims = _decode(id_token, key, alg)
            except BadSignatureError:
                raise LoginError(LoginFailure.TOKEN_SIGNATURE, "ID token signature does not verify") from None
        self._check_claims(claims, nonce=nonce, issuer=metadata.issuer, now=now)
        return claims

    def _check_claims(self, claims: dict[str, Any], *, nonce: str, issuer: str, now: datetime) -> None:
        leeway = self.settings.oidc_clock_skew_seconds
        timestamp = now.timestamp()
        if claims.get("iss") != issuer:
            raise LoginError(LoginFailure.TOKEN_ISSUER, "ID token iss is not the configured issuer")
        audience = claims.get("aud")
        audiences = (
            [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        )
        client_id = self.provider.client_id
        if client_id not in audiences:
            raise LoginError(LoginFailure.TOKEN_AUDIENCE, "ID token aud does not include this client")
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise LoginError(LoginFailure.TOKEN_AUDIENCE, "ID token azp is not this client")
        exp, iat = claims.get("exp"), claims.get("iat")
        if not _is_number(exp) or not _is_number(iat):
            raise LoginError(LoginFailure.TOKEN_INVALID, "ID token lacks exp or iat")
        if exp <= timestamp - leeway:
            raise LoginError(LoginFailure.TOKEN_EXPIRED, "ID token has expired")
        if iat > timestamp + leeway:
            raise LoginError(LoginFailure.TOKEN_INVALID, "ID token issued in the future")
        nbf = claims.get("nbf")
        if nbf is not None and (not _is_number(nbf) or nbf > timestamp + leeway):
            raise LoginError(LoginFailure.TOKEN_INVALID, "ID token not valid yet")
        token_nonce = claims.get("nonce")
        if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce, nonce):
            raise LoginError(LoginFailure.NONCE_MISMATCH, "ID token nonce is not this sign-in's")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise LoginError(LoginFailure.TOKEN_INVALID, "ID token has no sub")

    # --- logout ------------------------------------------------------------------------------------

    def logout_url(self, *, id_token: str | None, locale: str) -> str | None:
        """The provider's end_session URL (RP-initiated logout), or None when it has none or is down."""
        try:
            metadata = self.metadata()
        except LoginError as error:
            log.warning(
                "logout: provider metadata unavailable (%s); ending the local session only", error.reason
            )
            return None
        if not metadata.end_session_endpoint:
            return None
        params = {
            "client_id": self.provider.client_id,
            "post_logout_redirect_uri": self.provider.post_logout_redirect_uri,
            "ui_locales": locale,
        }
        if id_token:
            params["id_token_hint"] = id_token
        separator = "&" if "?" in metadata.end_session_endpoint else "?"
        return f"{metadata.end_session_endpoint}{separator}{urlencode(params)}"

    # --- plumbing ----------------------------------------------------------------------------------

    @contextmanager
    def _http(self) -> Iterator[httpx.Client]:
        # One timeout for connect, read, write and pool: a slow provider fails the sign-in, never hangs it.
        timeout = httpx.Timeout(self.provider.timeout_seconds)
        with httpx.Client(timeout=timeout, transport=self._transport, follow_redirects=False) as client:
            yield client

    def _client_auth(self, metadata: ProviderMetadata) -> ClientAuth:
        """How this client proves itself at the token endpoint (authlib's encoders)."""
        provider = self.provider
        method = provider.client_auth_method
        if method == "private_key_jwt":
            key = load_client_private_key(provider.private_key_path)
            return ClientAuth(provider.client_id, key, _ShortLivedPrivateKeyJWT(metadata.token_endpoint))
        if method not in ("client_secret_basic", "client_secret_post"):
            raise LoginError(LoginFailure.PROVIDER_ERROR, "unsupported client authentication method")
        return ClientAuth(provider.client_id, provider.client_secret, method)


def consume_login_transaction(db: Session, state: str | None, now: datetime) -> PendingLogin:
    """Take the login transaction for ``state`` and delete it (single use). Commit right after.

    Raises LoginError: no state, an unknown (or already used) state, or one that expired.
    """
    if not state:
        raise LoginError(LoginFailure.STATE_MISSING, "callback has no state")
    key = hash_state(state)
    row = db.scalars(select(LoginTransaction).where(LoginTransaction.state_hash == key)).one_or_none()
    if row is None:
        raise LoginError(LoginFailure.STATE_MISMATCH, "no pending sign-in has this state")
    pending = PendingLogin(
        nonce=row.nonce,
        code_verifier=row.code_verifier,
        redirect_uri=row.redirect_uri,
        next_path=row.next_path,
        locale=row.locale,
        provider=row.provider,
    )
    # Deleting by key and counting makes two racing callbacks with one state yield one winner.
    deleted = db.execute(delete(LoginTransaction).where(LoginTransaction.state_hash == key)).rowcount
    if deleted != 1:
        raise LoginError(LoginFailure.STATE_MISMATCH, "sign-in already completed elsewhere")
    if row.expires_at <= now:
        raise LoginError(
            LoginFailure.LOGIN_EXPIRED,
            "pending sign-in expired",
            next_path=pending.next_path,
            locale=pending.locale,
        )
    return pending


def load_client_private_key(path: Path | None) -> RSAKey | ECKey:
    """The client's key for private_key_jwt: a PEM file or a JSON Web Key file."""
    if path is None:
        raise LoginError(LoginFailure.PROVIDER_ERROR, "OIDC_PRIVATE_KEY_PATH is not set for private_key_jwt")
    data = path.read_bytes()
    if data.lstrip().startswith(b"{"):
        document = json.loads(data)
        key_class = ECKey if document.get("kty") == "EC" else RSAKey
        return key_class.import_key(document)
    try:
        return RSAKey.import_key(data)
    except (JoseError, ValueError):
        return ECKey.import_key(data)


class _ShortLivedPrivateKeyJWT(PrivateKeyJWT):
    """private_key_jwt with a one-minute assertion, the key's own algorithm and kid."""

    def sign(self, auth: Any, token_endpoint: str) -> str:
        key = auth.client_secret
        alg = "ES256" if isinstance(key, ECKey) else "RS256"
        header = {"kid": key.kid} if key.kid else None
        return private_key_jwt_sign(
            key,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            alg=alg,
            header=header,
            expires_in=60,
        )


@contextmanager
def _provider_call(what: str) -> Iterator[None]:
    """Map transport failures to reasons; exception text stays out (it may contain URLs with codes)."""
    try:
        yield
    except httpx.TimeoutException:
        raise LoginError(LoginFailure.PROVIDER_TIMEOUT, f"{what}: no answer in time") from None
    except httpx.TransportError as error:
        raise LoginError(LoginFailure.PROVIDER_UNREACHABLE, f"{what}: {type(error).__name__}") from None


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    if response.status_code != 200:
        raise LoginError(LoginFailure.PROVIDER_ERROR, f"{what}: HTTP {response.status_code}")
    try:
        document = response.json()
    except ValueError:
        raise LoginError(LoginFailure.PROVIDER_ERROR, f"{what}: not JSON") from None
    if not isinstance(document, dict):
        raise LoginError(LoginFailure.PROVIDER_ERROR, f"{what}: not a JSON object")
    return document


def _import_public_keys(document: Mapping[str, Any]) -> KeySet:
    keys = []
    for entry in document.get("keys") or []:
        if not isinstance(entry, dict) or entry.get("kty") not in ("RSA", "EC") or entry.get("use") == "enc":
            continue
        public = {
            name: value for name, value in entry.items() if name not in ("d", "p", "q", "dp", "dq", "qi")
        }
        try:
            keys.append((RSAKey if public["kty"] == "RSA" else ECKey).import_key(public))
        except (JoseError, ValueError, KeyError):
            log.warning("skipping a provider JWKS entry that does not import")
    return KeySet(keys)


def _select_key(keyset: KeySet, kid: Any, alg: str) -> RSAKey | ECKey | None:
    wanted_type = "EC" if alg.startswith("ES") else "RSA"
    candidates = [key for key in keyset.keys if key.key_type == wanted_type]
    if kid is not None:
        candidates = [key for key in candidates if key.kid == kid]
    # Without a kid, guessing among several keys would hide rotation problems: require exactly one.
    return candidates[0] if len(candidates) == 1 else None  # type: ignore[return-value]


def _decode(id_token: str, key: RSAKey | ECKey, alg: str) -> dict[str, Any]:
    """The verified payload; BadSignatureError when the key does not verify it."""
    try:
        return dict(jwt.decode(id_token, key, algorithms=[alg]).claims)
    except BadSignatureError:
        raise
    except (JoseError, ValueError):
        raise LoginError(LoginFailure.TOKEN_INVALID, "ID token payload unreadable") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _safe_token(value: str) -> str:
    """Provider-chosen words (error codes, kids) trimmed for logs: short, printable, no spaces."""
    return "".join(ch for ch in value[:40] if ch.isalnum() or ch in "-_.:") or "?"
