"""The sandbox provider mounted at /idp on the app's own server (the default of `make run`).

The separate-process tests cover the protocol over real HTTP; this one checks the
mounted layout: relative form actions, cookie paths under /idp, issuer URLs.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.routing import Mount

from citizen_app.core.identity import oidc
from citizen_app.core.identity.sessions import resolve_session
from citizen_app.db.base import utcnow
from citizen_app.idp.app import create_idp_app
from citizen_app.settings import get_settings, reset_settings_cache
from citizen_app.web.auth import build_routes
from tests.unit.identity.helpers import hidden_fields, query

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient


@pytest.fixture
def mounted(engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://testserver")
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)
    reset_settings_cache()
    oidc.reset_caches()
    settings = get_settings()
    assert settings.oidc_issuer == "http://testserver/idp"
    holder: dict[str, TestClient] = {}
    # In-process transport: the app calls its own /idp mount, as it does on one server.
    routes = build_routes(client_factory=lambda provider: oidc.OidcClient(provider, transport=holder["client"]._transport))
    app = Starlette(routes=[*routes, Mount("/idp", app=create_idp_app(settings.oidc_issuer, tmp_path))])
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        holder["client"] = client
        yield client
    oidc.reset_caches()


def test_sign_in_through_the_mounted_provider(mounted: TestClient, db_session: Session) -> None:
    start = mounted.get("/auth/login", params={"next": "/en/ho-so"})
    authorize = start.headers["location"]
    assert authorize.startswith("http://testserver/idp/authorize?")
    page = mounted.get(authorize)
    assert page.status_code == 200 and 'action="authorize"' in page.text and 'lang="en"' in page.text
    assert "Path=/idp" in page.headers["set-cookie"]
    consent = mounted.post(
        "/idp/authorize", data={**hidden_fields(page.text), "login": "lan.bui", "password": "demo1234"}
    )
    assert consent.status_code == 200 and "Bùi Thị Lan" in consent.text
    assert any(
        "vneid_sandbox_session=" in h and "Path=/idp" in h for h in consent.headers.get_list("set-cookie")
    )
    back = mounted.post("/idp/authorize", data={**hidden_fields(consent.text), "action": "allow"})
    callback = back.headers["location"]
    assert callback.startswith("http://testserver/auth/callback?") and "code" in query(callback)
    done = mounted.get(callback)
    assert done.status_code == 303 and done.headers["location"] == "/en/ho-so"
    user = resolve_session(db_session, mounted.cookies.get("citizen_session"), utcnow())
    assert user is not None and user.display_name == "Bùi Thị Lan" and user.assurance_level == 1
