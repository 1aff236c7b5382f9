"""An in-process client of the app's HTTP side, partner clients and tokens, for the API tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from citizen_app.core import admin_units
from citizen_app.core.open_data.clients import register_client
from citizen_app.db.base import utcnow
from citizen_app.settings import reset_settings_cache
from citizen_app.web.app import build_http_app
from tests.unit.feedback.helpers import UNITS


def api_client(monkeypatch: pytest.MonkeyPatch, **env: str) -> TestClient:
    """The app's routes (with /api/v1) with these settings and the test units; no sandbox provider."""
    monkeypatch.setattr(admin_units, "_units", UNITS)
    monkeypatch.setenv("SANDBOX_IDP", "false")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    return TestClient(build_http_app())


def partner(db: Session, *, scopes: tuple[str, ...] = ("dossiers:read", "dossiers:status"),
            province: str = "01", secret_days: int | None = 365, expired: bool = False) -> tuple[str, str]:
    now = utcnow() - timedelta(days=400) if expired else utcnow()
    client_id, secret = register_client(db, name="Hệ thống một cửa", scopes=scopes, province_code=province, now=now,
                                        secret_valid_days=secret_days)
    db.commit()
    return client_id, secret


def token(client: TestClient, client_id: str, secret: str, scope: str | None = None) -> str:
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    response = client.post("/api/v1/oauth/token", data=form, auth=(client_id, secret))
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
