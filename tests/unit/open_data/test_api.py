"""The open API as a partner system or a passer-by uses it: catalogue, lookup, tokens, status updates,
and every bad input the issue names (bad or expired credentials, a wrong scope, over the limit,
enumerating codes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from citizen_app.db.base import utcnow
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.open_data import ApiToken
from tests.unit.open_data.helpers import api_client, partner, token
from tests.unit.staff.helpers import place


def test_the_document_is_openapi_3_1_and_lists_every_route(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    client = api_client(monkeypatch)
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["license"]["identifier"] == "CC-BY-4.0"
    from citizen_app.web.api import routes

    assert {route.path for route in routes} == set(document["paths"])


def test_the_catalogue_with_fees_and_documents(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    client = api_client(monkeypatch)
    listing = client.get("/api/v1/procedures", params={"level": "commune", "limit": 5})
    assert listing.status_code == 200
    body = listing.json()
    assert len(body["items"]) == 5 and all(item["level"] == "commune" for item in body["items"])
    assert listing.headers["access-control-allow-origin"] == "*"
    detail = client.get("/api/v1/procedures/1.001193").json()
    assert detail["name"]["vi"] and detail["name"]["en"]
    assert detail["fees"] == client.get("/api/v1/procedures/1.001193/fees").json()
    assert detail["documents"] == client.get("/api/v1/procedures/1.001193/documents").json()
    assert client.get("/api/v1/procedures/9.999999").status_code == 404
    assert client.get("/api/v1/procedures", params={"limit": "0"}).status_code == 400
    assert client.get("/api/v1/procedures", params={"online": "yes"}).status_code == 400
    agencies = client.get("/api/v1/agencies", params={"province": "01", "limit": 2}).json()
    assert agencies["items"][0]["code"] == "000.00.00.H01"
    assert client.get(f"/api/v1/agencies/{agencies['items'][1]['code']}").json() == agencies["items"][1]
    assert client.get("/api/v1/agencies/000.00.00.H99").status_code == 404


def test_the_public_lookup_says_the_same_for_a_wrong_code_and_wrong_digits(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = place(db_session)
    db_session.commit()
    client = api_client(monkeypatch)
    found = client.post("/api/v1/dossiers/lookup", json={"code": dossier.code, "pid_last4": "2345"})
    assert found.status_code == 200
    assert found.json()["status"] == "received"
    assert "Nguyễn" not in found.text and "0912345678" not in found.text
    wrong_digits = client.post("/api/v1/dossiers/lookup", json={"code": dossier.code, "pid_last4": "2346"})
    no_such_code = client.post("/api/v1/dossiers/lookup", json={"code": dossier.code[:-1] + "9", "pid_last4": "2345"})
    assert wrong_digits.status_code == no_such_code.status_code == 404
    assert wrong_digits.json() == no_such_code.json()
    assert client.post("/api/v1/dossiers/lookup", json={"code": dossier.code}).status_code == 422
    assert client.post("/api/v1/dossiers/lookup", content=b"not json").status_code == 422


def test_lookups_that_enumerate_codes_are_stopped(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = place(db_session)
    db_session.commit()
    client = api_client(monkeypatch, LOOKUP_RATE_LIMIT_PER_MINUTE="5")
    prefix = dossier.code.rsplit("-", 1)[0]
    answers = [
        client.post("/api/v1/dossiers/lookup", json={"code": f"{prefix}-{n:04d}", "pid_last4": "2345"})
        for n in range(1, 9)
    ]
    statuses = [response.status_code for response in answers]
    assert statuses[5:] == [429, 429, 429], statuses
    assert int(answers[-1].headers["retry-after"]) >= 1
    # The limit is the tracking page's: the right code and digits wait too.
    assert client.post("/api/v1/dossiers/lookup", json={"code": dossier.code, "pid_last4": "2345"}).status_code == 429


def test_every_call_is_limited_per_client(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    client = api_client(monkeypatch, API_RATE_LIMIT_PER_MINUTE="3")
    statuses = [client.get("/api/v1/fields").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/procedures")
    assert limited.json()["error"] == "rate_limited" and "retry-after" in limited.headers


def test_a_province_system_pushes_a_status_update(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = place(db_session, status="received")
    elsewhere = place(db_session, commune="26734", province="79", status="received")
    db_session.commit()
    client_id, secret = partner(db_session)
    client = api_client(monkeypatch)
    bearer = {"Authorization": f"Bearer {token(client, client_id, secret)}"}

    seen = client.get(f"/api/v1/partner/dossiers/{dossier.code}", headers=bearer)
    assert seen.status_code == 200 and "processing" in seen.json()["next_statuses"]
    moved = client.post(f"/api/v1/partner/dossiers/{dossier.code}/status", headers=bearer,
                        json={"status": "processing", "note": "Đã chuyển phòng chuyên môn"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "processing"
    db_session.expire_all()
    assert db_session.get(Dossier, dossier.id).status == "processing"
    audited = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api.dossier.status")).one()
    assert audited.actor_id == client_id

    # Approving is the staff's step in the lifecycle; another province's dossier does not exist for it.
    refused = client.post(f"/api/v1/partner/dossiers/{dossier.code}/status", headers=bearer, json={"status": "approved"})
    assert refused.status_code == 409
    other = client.post(f"/api/v1/partner/dossiers/{elsewhere.code}/status", headers=bearer,
                        json={"status": "processing"})
    assert other.status_code == 404
    assert client.post(f"/api/v1/partner/dossiers/{dossier.code}/status", headers=bearer,
                       json={"status": "flying"}).status_code == 422


def test_bad_expired_or_revoked_credentials_get_no_token(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    client_id, secret = partner(db_session)
    old_id, old_secret = partner(db_session, secret_days=30, expired=True)
    client = api_client(monkeypatch)
    grant = {"grant_type": "client_credentials"}
    for credentials in ((client_id, "wrong"), ("pc_nobody", secret), (old_id, old_secret)):
        refused = client.post("/api/v1/oauth/token", data=grant, auth=credentials)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    # In the form instead of Basic works the same way.
    posted = client.post("/api/v1/oauth/token", data={**grant, "client_id": client_id, "client_secret": secret})
    assert posted.status_code == 200 and posted.json()["token_type"] == "Bearer"
    assert client.post("/api/v1/oauth/token", data={"grant_type": "password"},
                       auth=(client_id, secret)).status_code == 400

    from citizen_app.core.open_data.clients import revoke_client

    issued = token(client, client_id, secret)
    revoke_client(db_session, client_id, now=utcnow())
    db_session.commit()
    assert client.post("/api/v1/oauth/token", data=grant, auth=(client_id, secret)).status_code == 401
    after = client.get("/api/v1/partner/dossiers/000.00.20.H01-260101-0001",
                       headers={"Authorization": f"Bearer {issued}"})
    assert after.status_code == 401 and 'error="invalid_token"' in after.headers["www-authenticate"]


def test_missing_unknown_or_expired_tokens_are_refused(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = place(db_session)
    db_session.commit()
    client_id, secret = partner(db_session)
    client = api_client(monkeypatch)
    path = f"/api/v1/partner/dossiers/{dossier.code}"
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get(path, headers={"Authorization": "Basic abc"}).status_code == 401
    issued = token(client, client_id, secret)
    db_session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    expired = client.get(path, headers={"Authorization": f"Bearer {issued}"})
    assert expired.status_code == 401 and expired.json()["message"] == "The access token has expired"
    # The status endpoint says nothing about the body to whoever has no token.
    assert client.post(f"{path}/status", json={"nonsense": 1}).status_code == 401


def test_a_token_without_the_scope_cannot_push_updates(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = place(db_session)
    db_session.commit()
    reader_id, reader_secret = partner(db_session, scopes=("dossiers:read",))
    both_id, both_secret = partner(db_session)
    client = api_client(monkeypatch)
    # Asking for a scope the client was not given yields a token without it.
    narrow = token(client, reader_id, reader_secret, scope="dossiers:read dossiers:status")
    refused = client.post(f"/api/v1/partner/dossiers/{dossier.code}/status", json={"status": "processing"},
                          headers={"Authorization": f"Bearer {narrow}"})
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    assert 'scope="dossiers:status"' in refused.headers["www-authenticate"]
    # A client that holds both scopes but asked for reading only is refused too.
    read_only = token(client, both_id, both_secret, scope="dossiers:read")
    assert client.post(f"/api/v1/partner/dossiers/{dossier.code}/status", json={"status": "processing"},
                       headers={"Authorization": f"Bearer {read_only}"}).status_code == 403
    unknown_scope = client.post("/api/v1/oauth/token", data={"grant_type": "client_credentials", "scope": "admin"},
                                auth=(both_id, both_secret))
    assert unknown_scope.status_code == 400 and unknown_scope.json()["error"] == "invalid_scope"
