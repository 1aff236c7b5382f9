"""Two identity providers at once, against the sandbox running as a separate process.

By default the sandbox registers two clients of the app: the citizen provider (``OIDC_*``) and the
staff sign-on (``OIDC_STAFF_*``, a second client of the same issuer). Each has its own sign-in
route and callback; a session remembers which one signed it in.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app import cli
from citizen_app.core.identity import csrf
from citizen_app.core.identity.providers import identity_providers
from citizen_app.db.models.identity import AuthSession, User
from citizen_app.settings import get_settings
from tests.unit.identity.conftest import configure_app
from tests.unit.identity.helpers import CLIENT_ID, Browser, query

STAFF_CLIENT = "citizen-app-staff"


def walk(authorize_url: str, login: str) -> str:
    browser = Browser()
    try:
        return browser.sign_in(authorize_url, login)
    finally:
        browser.close()


def test_a_citizen_and_an_officer_sign_in_at_once_each_with_their_own_provider(
    make_app, idp, db_session: Session
) -> None:
    citizen, officer = make_app(), make_app()  # two browsers
    start = citizen.get("/auth/login", params={"next": "/vi/account"})
    assert query(start.headers["location"])["client_id"] == CLIENT_ID
    staff_start = officer.get("/auth/staff/login", params={"next": "/vi/"})
    asked = query(staff_start.headers["location"])
    assert asked["client_id"] == STAFF_CLIENT and asked["redirect_uri"] == "http://testserver/auth/staff/callback"

    citizen_back = walk(start.headers["location"], "an.nguyen")
    officer_back = walk(staff_start.headers["location"], "mai.ngo")
    assert citizen_back.startswith("http://testserver/auth/callback?")
    assert officer_back.startswith("http://testserver/auth/staff/callback?")
    done = citizen.get(citizen_back)
    assert done.status_code == 303 and done.headers["location"] == "/vi/account"
    at_work = officer.get(officer_back)
    # Staff who signed in from the home page land on their workspace.
    assert at_work.status_code == 303 and at_work.headers["location"] == "/vi/staff"

    sessions = db_session.scalars(select(AuthSession)).all()
    by_name = {db_session.get(User, s.user_id).display_name: s.provider for s in sessions}
    assert by_name == {"Nguyễn Văn An": "citizen", "Ngô Thị Mai": "staff"}
    # Logging out goes to the provider (and client) that signed this browser in.
    raw = officer.cookies.get(get_settings().session_cookie_name)
    bye = officer.post("/auth/logout", data={"csrf": csrf.form_token(raw), "next": "/vi/"})
    assert bye.headers["location"].startswith(f"{idp.issuer}/end_session?")
    assert query(bye.headers["location"])["client_id"] == STAFF_CLIENT


def test_the_staff_sign_on_turns_away_someone_without_a_staff_role(make_app, db_session: Session) -> None:
    browser = make_app()
    start = browser.get("/auth/staff/login", params={"next": "/vi/staff"})
    refused = browser.get(walk(start.headers["location"], "binh.tran"))
    assert refused.status_code == 403
    assert "Lối đăng nhập này dành cho cán bộ, công chức" in refused.text
    assert 'href="/auth/login?next=/vi/"' in refused.text  # try again as a citizen
    assert db_session.scalars(select(AuthSession)).all() == []


def test_a_sign_in_started_with_one_provider_cannot_finish_at_another(make_app, db_session: Session) -> None:
    browser = make_app()
    start = browser.get("/auth/login", params={"next": "/vi/account"})
    back = walk(start.headers["location"], "an.nguyen")
    mixed_up = browser.get("/auth/staff/callback", params=query(back))
    assert mixed_up.status_code == 400 and "state_mismatch" in mixed_up.text
    assert db_session.scalars(select(AuthSession)).all() == []


def test_signing_in_for_a_staff_page_goes_to_the_staff_sign_on(make_app) -> None:
    browser = make_app()

    def client_for(next_path: str) -> str:
        start = browser.get("/auth/login", params={"next": next_path})
        return query(start.headers["location"])["client_id"]

    assert client_for("/vi/staff/queue?day=today") == STAFF_CLIENT
    assert client_for("/en/staff") == STAFF_CLIENT
    assert client_for("/vi/staffing") == CLIENT_ID
    assert client_for("/vi/account") == CLIENT_ID
    assert query(browser.get("/auth/citizen/login", params={"next": "/vi/staff"}).headers["location"])[
        "client_id"] == CLIENT_ID  # asked for by name
    registry = identity_providers()
    assert [(p.key, p.purpose, p.callback_path) for p in registry] == [
        ("citizen", "citizen", "/auth/callback"),
        ("staff", "staff", "/auth/staff/callback"),
    ]


# --- python -m citizen_app oidc check -----------------------------------------------------------------


def test_oidc_check_verifies_discovery_and_prints_the_addresses_to_register(
    idp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_app(monkeypatch, idp.issuer)
    assert cli.main(["oidc", "check"]) == 0
    out = capsys.readouterr().out
    assert "citizen: VNeID (citizen sign-in, the default)" in out
    assert "staff: Sandbox staff sign-on (staff sign-on)" in out
    assert re.search(r"discovery +found: authorization, token, jwks, userinfo, end_session; \d+ signing key", out)
    assert "    redirect URI            http://testserver/auth/callback\n" in out
    assert "    redirect URI            http://testserver/auth/staff/callback\n" in out
    assert out.count("    post-logout redirect    http://testserver/auth/logged-out\n") == 2
    assert out.count("status                    OK") == 2

    assert cli.main(["oidc", "check", "--provider", "staff"]) == 0
    only_staff = capsys.readouterr().out
    assert "staff:" in only_staff and "citizen:" not in only_staff
    assert cli.main(["oidc", "check", "--provider", "nobody"]) == 2


def test_oidc_check_fails_loudly_for_a_provider_it_cannot_reach(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_app(monkeypatch, "http://127.0.0.1:9", OIDC_PROVIDERS="", OIDC_TIMEOUT_SECONDS="1")
    assert cli.main(["oidc", "check"]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM                   provider_unreachable: discovery: ConnectError" in out
    # The addresses to register are printed all the same: they do not depend on the provider.
    assert "    redirect URI            http://testserver/auth/callback\n" in out
    assert "status                    FAILED" in out


def test_the_staff_sign_in_button_works_with_or_without_a_staff_sign_on() -> None:
    from citizen_app.core.identity.providers import build_registry
    from citizen_app.settings import load_settings
    from citizen_app.web.auth import build_routes

    def paths(**env: str) -> list[str]:
        settings = load_settings({"PUBLIC_BASE_URL": "https://portal.example", **env})
        return [route.path for route in build_routes(providers=build_registry(settings))]  # type: ignore[attr-defined]

    assert paths() == ["/auth/citizen/login", "/auth/login", "/auth/callback", "/auth/staff/login",
                       "/auth/staff/callback", "/auth/logout", "/auth/logged-out", "/auth/error"]
    # No staff sign-on: staff sign in with the citizen provider, from the same button.
    assert "/auth/staff/login" in paths(OIDC_PROVIDERS="") and "/auth/staff/callback" not in paths(OIDC_PROVIDERS="")
    assert paths(OIDC_PROVIDERS="sso", OIDC_SSO_PURPOSE="staff")[3:6] == [
        "/auth/sso/login", "/auth/sso/callback", "/auth/staff/login"]
