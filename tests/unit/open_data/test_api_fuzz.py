"""schemathesis fuzzes ``/api/v1`` against the app's own OpenAPI document, in process (ASGI).

Every operation gets generated requests, valid and invalid; each answer must match the document
(status codes, content types, headers, JSON schemas), invalid input must be refused, and the
partner calls must refuse requests without their token. A dossier and a partner client exist, so
the partner calls are reached with a real token too. The per-client limits are off here (they
have their own tests, tests/unit/open_data/test_api.py); everything else is the app as served.

The document is the one the app serves (a test checks they are the same); the app behind it is
built per test, once the test's database and settings are in place.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import Session

from citizen_app.core.open_data.openapi import document
from tests.unit.open_data.helpers import api_client, partner, token
from tests.unit.staff.helpers import place

EXAMPLES_PER_OPERATION = 25
_app: dict[str, Any] = {}


async def app_under_test(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await _app["current"](scope, receive, send)


schema = schemathesis.openapi.from_dict(document())
schema.app = app_under_test


@pytest.fixture
def partner_headers(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    place(db_session, status="received")
    db_session.commit()
    client_id, secret = partner(db_session)
    client = api_client(monkeypatch, API_RATE_LIMIT_PER_MINUTE="0", LOOKUP_RATE_LIMIT_PER_MINUTE="0")
    _app["current"] = client.app
    return {"Authorization": f"Bearer {token(client, client_id, secret)}"}


def test_the_fuzzed_document_is_the_one_served(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_client(monkeypatch).get("/api/v1/openapi.json").json() == document()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    # The same examples on every run: a failure in CI is reproduced by running the test again.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_to_its_document(case: schemathesis.Case, partner_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=partner_headers if "/partner/" in case.path else None)
