"""Every way sign-in can go wrong: a clear page in both languages, no session, a log without secrets.

The provider is the real sandbox running as a separate process. Faults the
provider would never produce on its own (a token signed by someone else, for the
wrong audience, expired…) are made by re-signing its genuine ID token with its
own key, read from its data directory, on the way back to the app.
"""

from __future__ import annotations

import html
import logging
import re
import socket
import sqlite3
from typing import Any

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core.identity.oidc import OidcClient
from citizen_app.db.models.identity import AuthSession, LoginTransaction
from tests.unit.identity.conftest import configure_app
from tests.unit.identity.helpers import (
    Browser,
    TamperingTransport,
    assert_no_secrets_logged,
    failure_records,
    now_ts,
    provider_signing_key,
    query,
    resign,
    start_login,
)

_LANGUAGE_LINK = re.compile(r'<a href="([^"]+)"[^>]*data-testid="auth-error-language"')


def assert_failure_page(
    app: Any,
    response: Any,
    *,
    status: int,
    reason: str,
    vi: str,
    en: str,
    db: Session,
    caplog: pytest.LogCaptureFixture,
    secrets: tuple[str, ...] = (),
    detail: str = "",
) -> None:
    assert response.status_code == status, response.text
    assert vi in response.text
    assert 'lang="vi"' in response.text
    assert 'data-testid="auth-error-retry"' in response.text and "/auth/login?next=/vi/" in response.text
    assert response.headers["cache-control"] == "no-store"
    other = app.get(html.unescape(_LANGUAGE_LINK.search(response.text).group(1)))
    assert other.status_code == status
    assert en in other.text and 'lang="en"' in other.text
    assert "/auth/login?next=/en/" in other.text
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuthSession)) == 0
    logged = failure_records(caplog.records, reason)
    assert logged, [r.getMessage() for r in caplog.records]
    assert detail in logged[0].getMessage()
    assert_no_secrets_logged(caplog.records, secrets)


def callback_url_for(app: Any, login: str, consent: str = "allow") -> str:
    browser = Browser()
    try:
        return browser.sign_in(start_login(app), login, consent=consent)
    finally:
        browser.close()


# --- state --------------------------------------------------------------------------------------------------


def test_callback_without_state(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    code = query(callback)["code"]
    response = app.get("/auth/callback", params={"code": code})
    assert_failure_page(
        app,
        response,
        status=400,
        reason="state_missing",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể hoàn tất đăng nhập",
        en="We could not finish signing you in",
        secrets=(code,),
    )


def test_state_mismatch(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    params = query(callback)
    response = app.get(
        "/auth/callback", params={"code": params["code"], "state": "forged-" + params["state"]}
    )
    assert_failure_page(
        app,
        response,
        status=400,
        reason="state_mismatch",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể hoàn tất đăng nhập",
        en="We could not finish signing you in",
        secrets=(params["code"], params["state"]),
    )


def test_callback_planted_in_another_browser_fails(app, make_app, db_session, caplog) -> None:
    """Login CSRF: the attacker's callback URL, opened in the victim's browser, must not sign them in."""
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    victim = make_app()
    response = victim.get(callback)
    assert_failure_page(
        victim,
        response,
        status=400,
        reason="state_mismatch",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể hoàn tất đăng nhập",
        en="We could not finish signing you in",
        secrets=tuple(query(callback).values()),
        detail="differs from this browser",
    )


def test_replayed_callback_is_refused(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    state = query(callback)["state"]
    assert app.get(callback).status_code == 303
    db_session.execute(AuthSession.__table__.delete())
    db_session.commit()
    # Even with the browser binding cookie put back, the login transaction is gone (single use).
    app.cookies.set("citizen_login_state", state, domain="testserver.local", path="/auth")
    response = app.get(callback)
    assert_failure_page(
        app,
        response,
        status=400,
        reason="state_mismatch",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể hoàn tất đăng nhập",
        en="We could not finish signing you in",
        secrets=tuple(query(callback).values()),
        detail="no pending sign-in has this state",
    )


def test_expired_login_transaction(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    db_session.execute(LoginTransaction.__table__.update().values(expires_at=LoginTransaction.created_at))
    db_session.commit()
    response = app.get(callback)
    assert_failure_page(
        app,
        response,
        status=400,
        reason="login_expired",
        db=db_session,
        caplog=caplog,
        vi="Lượt đăng nhập đã hết hạn",
        en="Your sign-in has expired",
        secrets=tuple(query(callback).values()),
    )
    assert db_session.scalar(select(func.count()).select_from(LoginTransaction)) == 0


# --- code ---------------------------------------------------------------------------------------------------


def test_code_missing(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    state = query(callback)["state"]
    response = app.get("/auth/callback", params={"state": state})
    assert_failure_page(
        app,
        response,
        status=400,
        reason="code_missing",
        db=db_session,
        caplog=caplog,
        vi="Hệ thống định danh không gửi lại mã đăng nhập",
        en="did not send back a sign-in code",
        secrets=(state,),
    )


def test_code_already_used(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    first = callback_url_for(app, "binh.tran")
    assert app.get(first).status_code == 303
    db_session.execute(AuthSession.__table__.delete())
    db_session.commit()
    second = callback_url_for(app, "binh.tran")
    old_code, new_state = query(first)["code"], query(second)["state"]
    response = app.get("/auth/callback", params={"code": old_code, "state": new_state})
    assert_failure_page(
        app,
        response,
        status=400,
        reason="code_rejected",
        db=db_session,
        caplog=caplog,
        vi="Mã đăng nhập này đã được sử dụng hoặc đã hết hạn",
        en="already used or has expired",
        secrets=(old_code, new_state, query(second)["code"]),
    )


def test_code_expired_at_the_provider(app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "binh.tran")
    with sqlite3.connect(idp.db_path) as provider_db:  # time passes at the provider
        provider_db.execute("UPDATE codes SET expires_at = 0 WHERE used = 0")
    response = app.get(callback)
    assert_failure_page(
        app,
        response,
        status=400,
        reason="code_rejected",
        db=db_session,
        caplog=caplog,
        vi="Mã đăng nhập này đã được sử dụng hoặc đã hết hạn",
        en="already used or has expired",
        secrets=tuple(query(callback).values()),
    )


# --- the ID token -------------------------------------------------------------------------------------------


def _tampered_app(make_app, tamper) -> Any:
    return make_app(client_factory=lambda provider: OidcClient(provider, transport=TamperingTransport(tamper)))


def _run_tampered(make_app, idp, login: str, **changes: Any) -> tuple[Any, Any, list[str]]:
    seen: list[str] = []

    def tamper(token: dict[str, Any]) -> dict[str, Any]:
        seen.extend([token["id_token"], token["access_token"]])
        key = changes.pop("_key", None) or provider_signing_key(idp.keys_dir)
        token["id_token"] = resign(token["id_token"], key, **changes)
        seen.append(token["id_token"])
        return token

    app = _tampered_app(make_app, tamper)
    callback = callback_url_for(app, login)
    seen.extend(query(callback).values())
    return app, app.get(callback), seen


def test_id_token_with_a_bad_signature(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    impostor = RSAKey.import_key(RSAKey.generate_key(2048, private=True).as_dict(private=True))
    impostor_with_kid = RSAKey.import_key(
        {**impostor.as_dict(private=True), "kid": provider_signing_key(idp.keys_dir).kid}
    )
    app, response, secrets = _run_tampered(make_app, idp, "binh.tran", _key=impostor_with_kid)
    assert_failure_page(
        app,
        response,
        status=400,
        reason="token_signature",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_id_token_from_another_issuer(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    app, response, secrets = _run_tampered(make_app, idp, "binh.tran", iss="https://vneid.example.invalid")
    assert_failure_page(
        app,
        response,
        status=400,
        reason="token_issuer",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_id_token_for_another_client(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    app, response, secrets = _run_tampered(
        make_app, idp, "binh.tran", aud="another-client", azp="another-client"
    )
    assert_failure_page(
        app,
        response,
        status=400,
        reason="token_audience",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_expired_id_token(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    app, response, secrets = _run_tampered(
        make_app, idp, "binh.tran", iat=now_ts() - 7200, exp=now_ts() - 3600
    )
    assert_failure_page(
        app,
        response,
        status=400,
        reason="token_expired",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_id_token_with_another_nonce(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    app, response, secrets = _run_tampered(make_app, idp, "binh.tran", nonce="nonce-of-another-sign-in")
    assert_failure_page(
        app,
        response,
        status=400,
        reason="nonce_mismatch",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_id_token_issued_in_the_future(make_app, idp, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    app, response, secrets = _run_tampered(
        make_app, idp, "binh.tran", iat=now_ts() + 3600, exp=now_ts() + 7200
    )
    assert_failure_page(
        app,
        response,
        status=400,
        reason="token_invalid",
        db=db_session,
        caplog=caplog,
        vi="Chưa thể xác minh danh tính của bạn",
        en="We could not verify your identity",
        secrets=tuple(secrets),
    )


def test_small_clock_difference_is_tolerated(make_app, idp, db_session) -> None:
    _app, response, _ = _run_tampered(make_app, idp, "binh.tran", iat=now_ts() + 20)
    assert response.status_code == 303


# --- the provider misbehaving or absent ---------------------------------------------------------------------


def test_provider_unreachable(make_app, monkeypatch, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    configure_app(monkeypatch, f"http://127.0.0.1:{closed_port}")
    app = make_app()
    response = app.get("/auth/login", params={"next": "/vi/ho-so"})
    assert_failure_page(
        app,
        response,
        status=502,
        reason="provider_unreachable",
        db=db_session,
        caplog=caplog,
        vi="Không kết nối được với hệ thống định danh",
        en="The identity provider cannot be reached",
    )


def test_provider_too_slow_at_discovery(make_app, monkeypatch, silent_server, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    configure_app(monkeypatch, silent_server.url, OIDC_TIMEOUT_SECONDS="0.5")
    app = make_app()
    response = app.get("/auth/login", params={"next": "/vi/ho-so"})
    assert_failure_page(
        app,
        response,
        status=504,
        reason="provider_timeout",
        db=db_session,
        caplog=caplog,
        vi="Hệ thống định danh phản hồi quá chậm",
        en="taking too long to answer",
    )


def test_provider_too_slow_at_the_token_endpoint(
    make_app, monkeypatch, silent_server, db_session, caplog
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("OIDC_TIMEOUT_SECONDS", "0.5")
    from citizen_app.settings import reset_settings_cache

    reset_settings_cache()
    app = make_app(
        client_factory=lambda provider: OidcClient(provider, transport=TamperingTransport(redirect_token_to=silent_server.url))
    )
    callback = callback_url_for(app, "binh.tran")
    response = app.get(callback)
    assert_failure_page(
        app,
        response,
        status=504,
        reason="provider_timeout",
        db=db_session,
        caplog=caplog,
        vi="Hệ thống định danh phản hồi quá chậm",
        en="taking too long to answer",
        secrets=tuple(query(callback).values()),
    )


# --- the person says no -------------------------------------------------------------------------------------


def test_user_cancels_consent(app, db_session, caplog) -> None:
    caplog.set_level(logging.INFO)
    callback = callback_url_for(app, "nhung.vo", consent="deny")
    params = query(callback)
    assert params["error"] == "access_denied" and "code" not in params
    response = app.get(callback)
    assert_failure_page(
        app,
        response,
        status=403,
        reason="access_denied",
        db=db_session,
        caplog=caplog,
        vi="Đã hủy đăng nhập",
        en="Sign-in cancelled",
        secrets=(params["state"],),
    )
