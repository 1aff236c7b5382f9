"""Whole journeys across the app's routes and the separate provider process, on both databases."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.identity.oidc import hash_state
from citizen_app.core.identity.permissions import PermissionDenied, require_role, require_staff
from citizen_app.core.identity.profile import load_profile_view, update_profile
from citizen_app.core.identity.sessions import check_session, resolve_session
from citizen_app.db.base import utcnow
from citizen_app.db.models.identity import AuthSession, LoginTransaction, User
from citizen_app.settings import PROJECT_ROOT
from tests.unit.identity.conftest import configure_app, provider_environment
from tests.unit.identity.helpers import Browser, query, sign_in, start_login, token_header


def _resolve(db: Session, raw: str, now=None):
    """What a Reflex event does: resolve, then commit at once (SQLite allows one writer at a time)."""
    user = resolve_session(db, raw, now or utcnow())
    db.commit()
    return user


def _session_cookie(response) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("citizen_session="):
            return header.split(";")[0].split("=", 1)[1]
    raise AssertionError("no session cookie")


def test_edit_phone_sign_out_sign_in_again_and_it_is_still_there(app, idp, db_session: Session) -> None:
    browser = Browser()
    try:
        callback = browser.sign_in(start_login(app, "/vi/ho-so"), "cuong.le")
        signed_in = app.get(callback)
        raw = _session_cookie(signed_in)
        user = _resolve(db_session, raw)
        assert user is not None and user.assurance_level == 1
        view = load_profile_view(db_session, user.user_id)
        assert view.full_name == "Lê Hoàng Cường" and view.phone == "0935246810"
        assert update_profile(db_session, user.user_id, {"phone": "0977 123 456"}, user) == []
        db_session.commit()

        # A GET only shows the sign-out button; the form posts the session's token.
        page = app.get("/auth/logout", params={"next": "/vi/ho-so"})
        assert page.status_code == 200 and 'data-testid="sign-out-confirm"' in page.text
        assert _resolve(db_session, raw) is not None
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        logout = app.post("/auth/logout", data={"csrf": token, "next": "/vi/ho-so"})
        assert logout.status_code == 303
        end_session_url = logout.headers["location"]
        assert end_session_url.startswith(f"{idp.issuer}/end_session?")
        params = query(end_session_url)
        assert (
            params["post_logout_redirect_uri"] == "http://testserver/auth/logged-out"
            and params["id_token_hint"]
        )
        assert (
            "citizen_session=" in logout.headers["set-cookie"] and "Max-Age=0" in logout.headers["set-cookie"]
        )
        db_session.expire_all()
        assert _resolve(db_session, raw) is None
        # The browser follows the redirect to the provider, which ends its own session and comes back.
        back = browser.http.get(end_session_url)
        assert back.status_code == 302 and back.headers["location"] == "http://testserver/auth/logged-out"
        assert app.get("/auth/logged-out").headers["location"] == "/vi/"

        # Signing in again needs the password again (the provider session is gone); the phone stays.
        page = browser.http.get(start_login(app, "/vi/ho-so"))
        assert 'data-testid="idp-login"' in page.text
    finally:
        browser.close()
    again = sign_in(app, "cuong.le")
    user = _resolve(db_session, _session_cookie(again))
    assert load_profile_view(db_session, user.user_id).phone == "0977123456"
    assert db_session.scalars(select(User)).one().subject  # still one person


def test_staff_sign_in_reaches_staff_guards_and_a_citizen_does_not(app, db_session: Session) -> None:
    officer = _resolve(db_session, _session_cookie(sign_in(app, "mai.ngo", "/vi/can-bo")))
    assert officer.is_staff and not officer.is_supervisor
    assert (officer.unit_level, officer.unit_code) == ("commune", "00004")
    assert require_staff(officer) is officer
    supervisor = _resolve(db_session, _session_cookie(sign_in(app, "tung.phan", "/vi/can-bo")))
    assert require_role(supervisor, "supervisor") is supervisor and supervisor.unit_code == "01"
    province = _resolve(db_session, _session_cookie(sign_in(app, "hai.trinh")))
    assert (province.unit_level, province.unit_code) == ("province", "79")
    citizen = _resolve(db_session, _session_cookie(sign_in(app, "binh.tran")))
    try:
        require_staff(citizen)
    except PermissionDenied as denied:
        assert denied.actor_role == "citizen"
    else:
        raise AssertionError("a citizen passed the staff guard")


def test_provider_key_rotation_is_picked_up(app, idp, db_session: Session, caplog) -> None:
    caplog.set_level(logging.INFO, logger="citizen_app")
    first = sign_in(app, "dung.pham")
    assert first.status_code == 303
    rotated = subprocess.run(
        [sys.executable, "-m", "citizen_app", "idp", "rotate-keys", "--data-dir", str(idp.data_dir)],
        env=provider_environment(idp.data_dir, idp.client_key_path),
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    new_kid = rotated.stdout.strip().splitlines()[-1]
    second = sign_in(app, "dung.pham")
    assert second.status_code == 303, second.text
    session = db_session.scalars(select(AuthSession).where(AuthSession.ended_at.is_(None))).one()
    assert token_header(session.id_token)["kid"] == new_kid
    assert any("not in cached JWKS; refetching" in r.getMessage() for r in caplog.records)
    published = {key["kid"] for key in httpx.get(f"{idp.issuer}/jwks.json").json()["keys"]}
    assert new_kid in published and len(published) >= 2


def test_private_key_jwt_client_authentication(make_app, idp, monkeypatch, db_session: Session) -> None:
    app = make_app()
    configure_app(
        monkeypatch,
        idp.issuer,
        OIDC_CLIENT_AUTH_METHOD="private_key_jwt",
        OIDC_PRIVATE_KEY_PATH=str(idp.client_key_path),
        OIDC_CLIENT_SECRET="not-used-and-wrong",
    )
    response = sign_in(app, "binh.tran")
    assert response.status_code == 303, response.text
    assert _resolve(db_session, _session_cookie(response)) is not None


def test_next_only_allows_same_site_paths(app, db_session: Session) -> None:
    cases = {
        "https://evil.example/steal": "/vi/",
        "//evil.example/steal": "/vi/",
        "/\\evil.example": "/vi/",
        "/auth/logout": "/vi/",
        "/en/dich-vu?tu-khoa=khai+sinh": "/en/dich-vu?tu-khoa=khai+sinh",
        "/vi/ho-so#phone": "/vi/ho-so#phone",
    }
    for requested, kept in cases.items():
        authorize = start_login(app, requested)
        state_hash = hash_state(query(authorize)["state"])
        db_session.expire_all()
        transaction = db_session.get(LoginTransaction, state_hash)
        assert transaction.next_path == kept, requested
        assert query(authorize)["ui_locales"] == ("en" if kept.startswith("/en/") else "vi")


def test_authorization_request_carries_state_nonce_and_pkce(app, idp) -> None:
    params = query(start_login(app))
    assert params["response_type"] == "code" and params["client_id"] == "citizen-app-test"
    assert params["redirect_uri"] == "http://testserver/auth/callback"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 43 and len(params["nonce"]) >= 43 and "openid" in params["scope"].split()


def test_signing_in_again_replaces_the_old_session(app, db_session: Session) -> None:
    first = _session_cookie(sign_in(app, "binh.tran"))
    second = _session_cookie(sign_in(app, "binh.tran"))
    assert first != second
    db_session.expire_all()
    assert check_session(db_session, first, utcnow()).problem == "ended"
    db_session.commit()
    assert _resolve(db_session, second) is not None


def test_session_expired_mid_form_returns_to_the_form_after_signing_in_again(
    app, db_session: Session
) -> None:
    form = "/vi/dich-vu/1.001193/nop?buoc=3"
    raw = _session_cookie(sign_in(app, "an.nguyen", form))
    later = utcnow() + timedelta(minutes=16)
    check = check_session(db_session, raw, later)
    db_session.commit()
    assert check.user is None and check.expired
    # The page sends the person to /auth/login?next=<this form>; after signing in they are back on it.
    back = sign_in(app, "an.nguyen", form)
    assert back.status_code == 303 and back.headers["location"] == form
