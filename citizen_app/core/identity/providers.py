"""The identity providers people sign in with, behind one registry.

Each provider is an OpenID Connect issuer plus this app's client there, and declares:

* ``display_name``: on its sign-in button and in "verified by …" next to the data it vouches for;
* ``claims``: a :class:`~citizen_app.core.identity.claims.ClaimMapping` (which claim carries
  which attribute: verified identity, editable contact data, staff access);
* ``assurance``: an :class:`~citizen_app.core.identity.claims.AssuranceMapping` (``acr`` or a
  level claim → identity level 1 or 2);
* ``purpose``: ``citizen`` or ``staff`` (a staff sign-on signs in staff only).

They come from Settings only (``OIDC_*`` for the citizen provider, ``OIDC_<KEY>_*`` for each key
in ``OIDC_PROVIDERS``; docs/identity.md). The citizen provider is the default: ``/auth/login``
and ``/auth/callback`` are its routes, as before; every other provider answers at
``/auth/<key>/login`` and its own callback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from citizen_app.core.identity.claims import (
    ASSURANCE_PRESETS,
    CLAIM_PRESETS,
    STAFF_CLAIMS,
    AssuranceMapping,
    ClaimMapping,
    IdentityClaims,
    read_identity,
)
from citizen_app.settings import CITIZEN_PROVIDER, OidcProviderSettings, Settings, get_settings

Purpose = Literal["citizen", "staff"]
DEFAULT_LOGIN_PATH = "/auth/login"
_STAFF_PAGE = re.compile(r"^/(vi|en)/staff(?=$|[/?#])")


@dataclass(frozen=True)
class IdentityProvider:
    key: str
    display_name: str
    purpose: Purpose
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    client_auth_method: str
    private_key_path: Path | None
    scopes: str
    redirect_uri: str
    post_logout_redirect_uri: str
    claims: ClaimMapping
    assurance: AssuranceMapping
    timeout_seconds: float = 5.0
    is_default: bool = False

    @classmethod
    def from_settings(cls, configured: OidcProviderSettings, *, is_default: bool = False) -> IdentityProvider:
        claims = CLAIM_PRESETS[configured.claims]
        if configured.purpose == "staff" and not claims.grants_roles:
            # A staff sign-on exists to say who is staff; standard claims alone cannot.
            claims = claims.with_overrides(STAFF_CLAIMS.items())
        return cls(
            key=configured.key,
            display_name=configured.display_name,
            purpose="staff" if configured.purpose == "staff" else "citizen",
            issuer=configured.issuer,
            client_id=configured.client_id,
            client_secret=configured.client_secret,
            client_auth_method=configured.client_auth_method,
            private_key_path=configured.private_key_path,
            scopes=configured.scopes,
            redirect_uri=configured.redirect_uri,
            post_logout_redirect_uri=configured.post_logout_redirect_uri,
            claims=claims.with_overrides(configured.claim_map),
            assurance=ASSURANCE_PRESETS[configured.claims].with_acr_levels(configured.acr_levels),
            timeout_seconds=configured.timeout_seconds,
            is_default=is_default,
        )

    def identity(self, claims: Mapping[str, Any]) -> IdentityClaims:
        """The claims of one sign-in, read the way this provider declares them."""
        return read_identity(claims, self.claims, self.assurance)

    @property
    def is_staff_sign_on(self) -> bool:
        return self.purpose == "staff"

    @property
    def login_path(self) -> str:
        return DEFAULT_LOGIN_PATH if self.is_default else f"/auth/{self.key}/login"

    @property
    def callback_path(self) -> str:
        """The route the provider redirects to: the path of the registered redirect URI."""
        return urlsplit(self.redirect_uri).path or "/"

    def login_url(self, next_path: str) -> str:
        return f"{self.login_path}?next=" + quote(next_path, safe="/")


class UnknownProvider(LookupError):
    pass


class ProviderRegistry:
    """The configured providers, the default (citizen) one first. Keys and callbacks are unique."""

    def __init__(self, providers: Sequence[IdentityProvider]) -> None:
        if not providers:
            raise ValueError("at least one identity provider is needed")
        self._providers = tuple(providers)
        self._by_key = {provider.key: provider for provider in self._providers}
        if len(self._by_key) != len(self._providers):
            raise ValueError("identity provider keys must be unique")
        paths = [provider.callback_path for provider in self._providers]
        if len(set(paths)) != len(paths):
            raise ValueError("two identity providers share a callback address; give each its own REDIRECT_URI")

    def __iter__(self) -> Iterator[IdentityProvider]:
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)

    @property
    def default(self) -> IdentityProvider:
        return self._providers[0]

    def get(self, key: str) -> IdentityProvider:
        try:
            return self._by_key[key]
        except KeyError:
            raise UnknownProvider(key) from None

    def find(self, key: str | None) -> IdentityProvider | None:
        return self._by_key.get(key or "")

    def by_issuer(self, issuer: str | None) -> IdentityProvider | None:
        """The first provider with this issuer: the one that speaks for identities it asserted."""
        wanted = (issuer or "").rstrip("/")
        return next((p for p in self._providers if p.issuer.rstrip("/") == wanted), None)

    @property
    def staff_sign_on(self) -> IdentityProvider | None:
        return next((p for p in self._providers if p.is_staff_sign_on), None)

    def display_name_for_issuer(self, issuer: str | None) -> str:
        """Who vouches for an identity from ``issuer``; its host when no provider is configured for it."""
        provider = self.by_issuer(issuer)
        if provider is not None:
            return provider.display_name
        return urlsplit(issuer or "").netloc or (issuer or "")

    def for_next_path(self, next_path: str) -> IdentityProvider:
        """Staff pages go to the staff sign-on when there is one; everything else to the default."""
        staff = self.staff_sign_on
        if staff is not None and _STAFF_PAGE.match(next_path or ""):
            return staff
        return self.default


def build_registry(settings: Settings) -> ProviderRegistry:
    configured = settings.oidc_providers
    return ProviderRegistry(
        [
            IdentityProvider.from_settings(item, is_default=item.key == CITIZEN_PROVIDER)
            for item in configured
        ]
    )


@lru_cache(maxsize=4)
def _registry_for(settings: Settings) -> ProviderRegistry:
    return build_registry(settings)


def identity_providers(settings: Settings | None = None) -> ProviderRegistry:
    """The registry for these Settings (the process's by default); built once per Settings."""
    return _registry_for(settings or get_settings())
