"""The sandbox registries mounted on the app's server, and the client the prefill sources use."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from citizen_app.core.prefill.source import SourceUnavailable
from citizen_app.core.registries import fetch_record
from citizen_app.registry_sandbox.app import create_registry_sandbox_app
from citizen_app.registry_sandbox.records import DECEASED_ID
from tests.unit.life_events.helpers import registries


def test_the_sandbox_answers_with_its_key_only_and_shows_its_banner() -> None:
    client = TestClient(create_registry_sandbox_app("k"))
    key = {"Authorization": "Bearer k"}
    assert client.get(f"/api/population/people/{DECEASED_ID}").status_code == 401
    found = client.get(f"/api/population/people/{DECEASED_ID}", headers=key)
    assert found.status_code == 200 and found.json()["full_name"] == "Đỗ Văn Hùng"
    assert client.get("/api/civil-status/marriages/001195008826", headers=key).json()["spouse"]["full_name"] == "Nguyễn Văn An"
    assert client.get(f"/api/social-insurance/people/{DECEASED_ID}", headers=key).json()["insured"] is True
    assert client.get("/api/population/people/000000000000", headers=key).status_code == 404
    page = client.get("/?lang=en")
    assert 'data-testid="sandbox-banner"' in page.text and "SANDBOX" in page.text


def test_no_record_is_empty_and_a_failure_is_unavailable() -> None:
    with registries():
        assert fetch_record("/population/people", "000000000000", 1.0) is None
        assert fetch_record("/population/people", "not an id", 1.0) is None

    def refused(path: str, timeout: float):
        raise httpx.ConnectError("refused")

    with registries(refused), pytest.raises(SourceUnavailable):
        fetch_record("/population/people", DECEASED_ID, 1.0)
    with registries(lambda path, timeout: (500, None)), pytest.raises(SourceUnavailable):
        fetch_record("/population/people", DECEASED_ID, 1.0)
