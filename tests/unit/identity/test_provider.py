"""The sandbox provider on its own, over HTTP: discovery, PKCE S256 only, codes, userinfo, logout, keys."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from citizen_app.idp.keys import KeyStore
from tests.unit.identity.conftest import EXTRA_REDIRECT
from tests.unit.identity.helpers import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    Browser,
    hidden_fields,
    query,
    token_header,
    unverified_claims,
)

SCOPE = "openid profile vneid_identity phone email address"


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize_url(issuer: str, **overrides: str | None) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": EXTRA_REDIRECT,
        "scope": SCOPE,
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
        **overrides,
    }
    return f"{issuer}/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def get_code(issuer: str, login: str = "duc.hoang", **overrides: str | None) -> tuple[str, str]:
    """A fresh code with a PKCE S256 challenge; returns (code, verifier)."""
    verifier = secrets.token_urlsafe(48)
    url = authorize_url(issuer, code_challenge=s256(verifier), code_challenge_method="S256", **overrides)
    browser = Browser()
    try:
        back = browser.sign_in(url, login)
    finally:
        browser.close()
    assert back.startswith(EXTRA_REDIRECT), back
    return query(back)["code"], verifier


def redeem(
    issuer: str, code: str, verifier: str | None, redirect_uri: str = EXTRA_REDIRECT
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return httpx.post(f"{issuer}/token", data=data, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10)


def test_discovery_document(idp) -> None:
    document = httpx.get(f"{idp.issuer}/.well-known/openid-configuration").json()
    assert document["issuer"] == idp.issuer
    for name in ("authorization", "token", "userinfo", "end_session"):
        assert document[f"{name}_endpoint"].startswith(idp.issuer + "/")
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert {"openid", "vneid_identity"} <= set(document["scopes_supported"])
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]


def test_authorization_without_pkce_is_refused(idp) -> None:
    response = httpx.get(authorize_url(idp.issuer))
    assert response.status_code == 302
    error = query(response.headers["location"])
    assert response.headers["location"].startswith(EXTRA_REDIRECT)
    assert error["error"] == "invalid_request" and "PKCE" in error["error_description"]


def test_plain_pkce_method_is_refused(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    response = httpx.get(authorize_url(idp.issuer, code_challenge=verifier, code_challenge_method="plain"))
    assert response.status_code == 302 and query(response.headers["location"])["error"] == "invalid_request"
    response = httpx.get(authorize_url(idp.issuer, code_challenge=s256(verifier)))  # method missing = plain
    assert query(response.headers["location"])["error"] == "invalid_request"


def test_token_request_without_verifier_fails_and_burns_the_code(idp) -> None:
    code, verifier = get_code(idp.issuer)
    response = redeem(idp.issuer, code, None)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert redeem(idp.issuer, code, verifier).json()["error"] == "invalid_grant"


def test_token_request_with_the_wrong_verifier_fails(idp) -> None:
    code, _ = get_code(idp.issuer)
    response = redeem(idp.issuer, code, secrets.token_urlsafe(48))
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_code_exchange_id_token_and_userinfo(idp) -> None:
    code, verifier = get_code(idp.issuer, login="duc.hoang", nonce="n-0S6_WzA2Mj")
    response = redeem(idp.issuer, code, verifier)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    token = response.json()
    claims = unverified_claims(token["id_token"])
    assert claims["iss"] == idp.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["acr"] == "urn:vneid:loa:1" and claims["vneid_level"] == 1 and "at_hash" in claims
    assert claims["exp"] - claims["iat"] <= 600
    # Lean ID token: personal data only through userinfo (the token travels as a logout hint).
    assert not {"personal_id", "name", "birthdate", "phone_number", "permanent_address"} & set(claims)
    kids = {key["kid"] for key in httpx.get(f"{idp.issuer}/jwks.json").json()["keys"]}
    assert token_header(token["id_token"])["kid"] in kids
    info = httpx.get(f"{idp.issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert (
        info.status_code == 200
        and info.json()["sub"] == claims["sub"]
        and info.json()["name"] == "Hoàng Minh Đức"
    )
    assert info.json()["personal_id"] == "040078005182" and info.headers["cache-control"] == "no-store"
    assert httpx.get(f"{idp.issuer}/userinfo").status_code == 401
    assert httpx.get(f"{idp.issuer}/userinfo", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_replayed_code_is_refused_and_revokes_what_it_got(idp) -> None:
    code, verifier = get_code(idp.issuer)
    token = redeem(idp.issuer, code, verifier).json()
    assert redeem(idp.issuer, code, verifier).json()["error"] == "invalid_grant"
    revoked = httpx.get(
        f"{idp.issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert revoked.status_code == 401


def test_redirect_uri_must_match_exactly(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    for near_miss in (
        REDIRECT_URI + "/",
        REDIRECT_URI.upper(),
        REDIRECT_URI + "?x=1",
        "https://evil.example/cb",
    ):
        response = httpx.get(
            authorize_url(
                idp.issuer,
                redirect_uri=near_miss,
                code_challenge=s256(verifier),
                code_challenge_method="S256",
            )
        )
        # Never redirect to an unregistered address, not even with an error.
        assert response.status_code == 400 and "location" not in response.headers
        assert "SANDBOX" in response.text or "THỬ NGHIỆM" in response.text


def test_unknown_client_gets_a_page_not_a_redirect(idp) -> None:
    response = httpx.get(authorize_url(idp.issuer, client_id="stranger", code_challenge="x" * 43))
    assert response.status_code == 400 and "location" not in response.headers


def test_prompt_none_without_a_provider_session(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    url = authorize_url(
        idp.issuer, prompt="none", code_challenge=s256(verifier), code_challenge_method="S256"
    )
    response = httpx.get(url)
    assert response.status_code == 302 and query(response.headers["location"])["error"] == "login_required"


def test_pages_are_bilingual_and_say_sandbox(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    url = authorize_url(idp.issuer, code_challenge=s256(verifier), code_challenge_method="S256")
    vietnamese = httpx.get(url)
    assert vietnamese.status_code == 200 and 'lang="vi"' in vietnamese.text
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in vietnamese.text and "demo1234" in vietnamese.text
    assert (
        vietnamese.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in vietnamese.headers["content-security-policy"]
    )
    english = httpx.get(url + "&ui_locales=en")
    assert (
        'lang="en"' in english.text
        and "SANDBOX" in english.text
        and "Sign in with your electronic identity" in english.text
    )


def test_consent_screen_lists_the_claims_asked_for(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    url = authorize_url(
        idp.issuer,
        scope="openid vneid_identity phone",
        code_challenge=s256(verifier),
        code_challenge_method="S256",
        ui_locales="en",
    )
    browser = Browser()
    try:
        page = browser.http.get(url)
        consent = browser.http.post(
            f"{idp.issuer}/authorize",
            data={**hidden_fields(page.text), "login": "lan.bui", "password": "demo1234"},
        )
    finally:
        browser.close()
    assert consent.status_code == 200
    for expected in (
        "Personal identification number",
        "Date of birth",
        "Permanent address",
        "Mobile phone number",
    ):
        assert expected in consent.text
    assert "Email address" not in consent.text and "Role and work unit" not in consent.text
    assert "Bùi Thị Lan" in consent.text


def test_wrong_password_and_missing_csrf(idp) -> None:
    verifier = secrets.token_urlsafe(48)
    url = authorize_url(idp.issuer, code_challenge=s256(verifier), code_challenge_method="S256")
    browser = Browser()
    try:
        fields = hidden_fields(browser.http.get(url).text)
        wrong = browser.http.post(
            f"{idp.issuer}/authorize", data={**fields, "login": "an.nguyen", "password": "x"}
        )
        assert wrong.status_code == 400 and "không đúng" in wrong.text
        forged = {**fields, "csrf": "forged", "login": "an.nguyen", "password": "demo1234"}
        assert browser.http.post(f"{idp.issuer}/authorize", data=forged).status_code == 400
    finally:
        browser.close()


def test_end_session_redirects_only_to_registered_addresses(idp) -> None:
    code, verifier = get_code(idp.issuer, login="dung.pham")
    id_token = redeem(idp.issuer, code, verifier).json()["id_token"]
    registered = "http://testserver/auth/logged-out"
    response = httpx.get(
        f"{idp.issuer}/end_session",
        params={"id_token_hint": id_token, "post_logout_redirect_uri": registered, "state": "xyz"},
    )
    assert response.status_code == 302 and response.headers["location"] == f"{registered}?state=xyz"
    evil = httpx.get(
        f"{idp.issuer}/end_session",
        params={"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"},
    )
    assert evil.status_code == 200 and "location" not in evil.headers and "not registered" not in evil.text
    assert "chưa được đăng ký" in evil.text
    # Without an ID token hint the provider asks first instead of acting on a bare link.
    confirm = httpx.get(f"{idp.issuer}/end_session", params={"post_logout_redirect_uri": registered})
    assert confirm.status_code == 200 and 'data-testid="idp-confirm-logout"' in confirm.text
    forged = httpx.get(f"{idp.issuer}/end_session", params={"id_token_hint": id_token[:-4] + "AAAA"})
    assert forged.status_code == 400


def test_keys_are_generated_once_and_kept(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    store.ensure()
    first = store.active_kid
    assert KeyStore(tmp_path / "keys").active_kid == first  # a restart keeps the key
    assert oct((tmp_path / "keys" / f"{first}.json").stat().st_mode)[-3:] == "600"
    second = store.rotate()
    published = {key["kid"] for key in store.public_jwks()["keys"]}
    assert second != first and published == {first, second} and store.active_kid == second
    third = store.rotate(keep=2)
    assert {key["kid"] for key in store.public_jwks()["keys"]} == {second, third}
    assert all("d" not in key for key in store.public_jwks()["keys"])  # never the private part


def test_es256_keys(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", alg="ES256")
    store.ensure()
    (key,) = store.public_jwks()["keys"]
    assert key["kty"] == "EC" and key["alg"] == "ES256" and key["crv"] == "P-256"
    with pytest.raises(ValueError):
        KeyStore(tmp_path / "other", alg="HS256")


def test_jwks_never_publishes_private_parts(idp) -> None:
    for key in httpx.get(f"{idp.issuer}/jwks.json").json()["keys"]:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    stored = json.loads(next(idp.keys_dir.glob("*.json")).read_text())
    assert "d" in stored  # the private part stays on disk only
