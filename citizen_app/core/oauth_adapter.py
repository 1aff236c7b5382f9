"""What the app's two OAuth 2 servers share of authlib: its request without a web framework.

authlib asks the framework for a request object. The partner API's token endpoint
(:mod:`citizen_app.core.open_data.oauth`) and the sandbox identity provider
(:mod:`citizen_app.idp.server`) both hand it what their HTTP handler read off the wire, so both
build it here; they also issue random bearer tokens and grant scopes the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from authlib.common.security import generate_token
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator

# The client authentication methods that send the shared secret (RFC 6749 §2.3.1).
CLIENT_SECRET_METHODS = ("client_secret_basic", "client_secret_post")


class PairsPayload(OAuth2Payload):
    """Query or form parameters as read off the wire: the first value of a name, and all of them."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class PlainOAuth2Request(OAuth2Request):
    """authlib's request from plain values; ``headers`` must read names case-insensitively."""

    def __init__(
        self,
        *,
        method: str,
        url: str,
        headers: Mapping[str, str],
        query: Iterable[tuple[str, str]] = (),
        form: Iterable[tuple[str, str]] = (),
    ) -> None:
        # OAuth2Request.__init__ refuses plain http off loopback; TLS ends at the reverse proxy in
        # front of the app, and the sandbox provider is served over http by `make run` on purpose.
        query, form = list(query), list(form)
        self.method = method
        self.uri = url
        self.headers = headers
        self._body = None
        self.payload = PairsPayload([*query, *form])
        self.client = None
        self.auth_method = None
        self.user = None
        self.authorization_code = None
        self.refresh_token = None
        self.credential = None
        self._scope = None
        self._args = dict(PairsPayload(query).data)
        self._form = dict(PairsPayload(form).data)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


def random_bearer_tokens(length: int, ttl_seconds: int) -> BearerTokenGenerator:
    """Bearer tokens of ``length`` random characters, valid ``ttl_seconds`` whatever the client or grant."""
    return BearerTokenGenerator(
        access_token_generator=lambda **_: generate_token(length),
        expires_generator=lambda client, grant_type: ttl_seconds,
    )


def granted_scope(requested: Iterable[str], allowed: Collection[str]) -> str:
    """The requested scopes the client may have, in the order asked, once each (RFC 6749 §3.3)."""
    return " ".join(item for item in dict.fromkeys(requested) if item in allowed)

