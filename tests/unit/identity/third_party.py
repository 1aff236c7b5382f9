"""A third-party certified OpenID provider that is not our sandbox, served over httpx's MockTransport.

It speaks standard claims only (OpenID Connect Core §5.1: ``name``, ``birthdate``, ``gender``,
``phone_number``, ``email``, ``address`` {street_address, locality, region, country}), states the
identity level with its own ``acr`` values, and can replace its signing key behind the same ``kid``,
as some providers do when they rotate. Every request it serves is counted by path.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import RSAKey

ISSUER = "https://id.example.test"
CLIENT_ID = "portal-at-example"
CLIENT_SECRET = "example-secret-2c7f"
KID = "example-signing-key"

PERSON = {
    "sub": "example-7f3a9",
    "name": "Trần Thị Bình",
    "given_name": "Bình",
    "family_name": "Trần",
    "birthdate": "1992-07-02",
    "gender": "female",
    "email": "binh.tran@example.vn",
    "phone_number": "0903123456",
    # The standard address claim: places by name, not by code.
    "address": {
        "formatted": "Số 5 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội, Việt Nam",
        "street_address": "Số 5 phố Đội Cấn",
        "locality": "Phường Ba Đình",
        "region": "Thành phố Hà Nội",
        "country": "VN",
    },
}


def new_key() -> RSAKey:
    key = RSAKey.generate_key(2048, private=True)
    return RSAKey.import_key({**key.as_dict(private=True), "kid": KID})


@dataclass
class ThirdPartyProvider:
    person: dict[str, Any] = field(default_factory=lambda: dict(PERSON))
    acr: str = "urn:example:loa:substantial"
    key: RSAKey = field(default_factory=new_key)
    # When set, the JWKS publishes this key instead of the one it signs with (a forger's token).
    published: RSAKey | None = None
    served: Counter[str] = field(default_factory=Counter)
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def rotate_under_the_same_kid(self) -> None:
        self.key = new_key()

    def authorize(self, authorization_url: str) -> dict[str, str]:
        """What the person's browser does at the provider: sign in, consent, come back with a code."""
        params = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        assert params["client_id"] == CLIENT_ID and params["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self._codes[code] = params
        return {"code": code, "state": params["state"]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.served[path] += 1
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "userinfo_endpoint": f"{ISSUER}/userinfo",
                "jwks_uri": f"{ISSUER}/keys",
                "end_session_endpoint": f"{ISSUER}/logout",
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            })
        if path == "/keys":
            return httpx.Response(200, json={"keys": [(self.published or self.key).as_dict(private=False)]})
        if path == "/token":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            asked = self._codes.pop(form.get("code", ""), None)
            if asked is None:
                return httpx.Response(400, json={"error": "invalid_grant"})
            now = int(time.time())
            claims = {"iss": ISSUER, "sub": self.person["sub"], "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                      "nonce": asked["nonce"], "acr": self.acr}
            token = jwt.encode({"alg": "RS256", "kid": KID}, claims, self.key)
            return httpx.Response(200, json={"access_token": "at-" + asked["state"][:8], "token_type": "Bearer",
                                             "id_token": token})
        if path == "/userinfo":
            return httpx.Response(200, content=json.dumps(self.person), headers={"content-type": "application/json"})
        return httpx.Response(404)
