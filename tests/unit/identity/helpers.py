"""Test helpers: a browser for the provider's pages, token tampering, and log checks."""

from __future__ import annotations

import html
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from joserfc import jws, jwt
from joserfc.jwk import ECKey, RSAKey

APP_BASE = "http://testserver"
CLIENT_ID = "citizen-app-test"
CLIENT_SECRET = "test-client-secret-4f9c"
REDIRECT_URI = f"{APP_BASE}/auth/callback"
PASSWORD = "demo1234"

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


class Browser:
    """Walks the provider's login and consent pages the way a person's browser would."""

    def __init__(self) -> None:
        self.http = httpx.Client(follow_redirects=False, timeout=10)
        self.last_page = ""

    def close(self) -> None:
        self.http.close()

    def sign_in(
        self, authorize_url: str, login: str, password: str = PASSWORD, consent: str = "allow"
    ) -> str:
        """From the authorization URL to the redirect back to the app; returns that callback URL."""
        page = self.http.get(authorize_url)
        if page.status_code in (302, 303):
            return page.headers["location"]  # already signed in at the provider, consent remembered
        assert page.status_code == 200, page.text
        self.last_page = page.text
        fields = hidden_fields(page.text)
        base = authorize_url.split("?", 1)[0]
        if fields.get("action") == "login":
            page = self.http.post(base, data={**fields, "login": login, "password": password})
            if page.status_code in (302, 303):
                return page.headers["location"]
            assert page.status_code == 200, page.text
            self.last_page = page.text
            fields = hidden_fields(page.text)
        assert 'data-testid="idp-allow"' in page.text, page.text
        answer = self.http.post(base, data={**fields, "action": consent})
        assert answer.status_code in (302, 303), answer.text
        return answer.headers["location"]


def start_login(app: Any, next_path: str = "/vi/ho-so") -> str:
    """Ask the app to start sign-in; returns the provider's authorization URL."""
    response = app.get("/auth/login", params={"next": next_path})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def sign_in(app: Any, login: str, next_path: str = "/vi/ho-so") -> httpx.Response:
    """Full sign-in through the separate provider process; returns the app's callback response."""
    browser = Browser()
    try:
        callback = browser.sign_in(start_login(app, next_path), login)
    finally:
        browser.close()
    return app.get(callback)


# --- tampering with ID tokens (signed with the provider's own key read from its data directory) ---------


def provider_signing_key(keys_dir: Path) -> RSAKey | ECKey:
    kid = (keys_dir / "active").read_text().strip()
    document = json.loads((keys_dir / f"{kid}.json").read_text())
    return (ECKey if document["kty"] == "EC" else RSAKey).import_key(document)


def unverified_claims(token: str) -> dict[str, Any]:
    return json.loads(jws.extract_compact(token.encode()).payload)


def token_header(token: str) -> dict[str, Any]:
    return jws.extract_compact(token.encode()).headers()


def resign(token: str, key: RSAKey | ECKey, **changes: Any) -> str:
    claims = {**unverified_claims(token), **changes}
    header = {"alg": "ES256" if isinstance(key, ECKey) else "RS256", "kid": key.kid, "typ": "JWT"}
    return jwt.encode(header, claims, key)


class TamperingTransport(httpx.BaseTransport):
    """Real HTTP to the provider, but the token endpoint's answer passes through ``tamper`` first."""

    def __init__(
        self,
        tamper: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        redirect_token_to: str | None = None,
    ) -> None:
        self.inner = httpx.HTTPTransport()
        self.tamper = tamper
        self.redirect_token_to = redirect_token_to

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        is_token = request.url.path.endswith("/token")
        if is_token and self.redirect_token_to:
            target = httpx.URL(self.redirect_token_to)
            request.url = request.url.copy_with(host=target.host, port=target.port)
        response = self.inner.handle_request(request)
        if not (is_token and self.tamper) or response.status_code != 200:
            return response
        response.read()
        document = self.tamper(json.loads(response.content))
        return httpx.Response(200, json=document, request=request)


# --- what must never be logged -------------------------------------------------------------------------


def assert_no_secrets_logged(records: Iterable[logging.LogRecord], secrets: Iterable[str]) -> None:
    """None of ``secrets`` appears in anything the app, authlib or the engine logged."""
    secrets = [secret for secret in secrets if secret and len(secret) >= 8]
    for record in records:
        if not record.name.startswith(("citizen_app", "authlib", "sqlalchemy")):
            continue  # e.g. the test's own HTTP client logging the URLs it fetches
        text = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {text!r}"


def failure_records(records: Iterable[logging.LogRecord], reason: str) -> list[logging.LogRecord]:
    return [
        r
        for r in records
        if r.name == "citizen_app.web.auth" and f"sign-in failed: {reason}" in r.getMessage()
    ]


def now_ts() -> int:
    return int(time.time())
