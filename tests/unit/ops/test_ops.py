"""Operations over HTTP: health, readiness, metrics, request ids, logs without personal data, jobs for supervisors, SMS."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from citizen_app.core import dossiers, jobs, sms
from citizen_app.core.identity.sessions import create_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.identity import UserProfile
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.logs import RedactingFilter, configure_logging
from citizen_app.settings import get_settings, reset_settings_cache
from citizen_app.web.app import build_http_app
from citizen_app.web.service_codes import UnknownServiceMiddleware, is_unknown_service
from tests.unit.dossiers.helpers import NOW, make_user
from tests.unit.tracking.helpers import desk, form, submitted

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
PERSONAL = ("001090012345", "0912345678", "an.nguyen@example.vn")


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(build_http_app(), base_url="http://127.0.0.1:3000") as test_client:
        yield test_client


def _cookie(username: str) -> dict[str, str]:
    account = next(a for a in ACCOUNTS if a.username == username)
    with unit_of_work() as db:
        user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), utcnow())
        raw, _ = create_session(db, user, utcnow())
    return {"cookie": f"{get_settings().session_cookie_name}={raw}"}


# --- health and readiness ---------------------------------------------------------------------------------


def test_live_and_ready(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["checks"] == {"database": "ok", "storage": "ok"}  # no Redis configured: not checked
    assert (body["storage"], body["workers"]) == ("local", 1)

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    reset_settings_cache()
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nobody listens there
    reset_settings_cache()
    down = client.get("/readyz")
    assert down.status_code == 503 and down.json()["checks"]["redis"].startswith("error")
    assert client.get("/healthz").status_code == 200  # alive all the same: a restart would not help


def test_not_ready_without_storage(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("DATA_DIR", str(blocker))
    reset_settings_cache()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["storage"].startswith("error")


# --- metrics ----------------------------------------------------------------------------------------------


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}}" if labels else f"{name} "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not in metrics")


def test_metrics_count_requests_jobs_and_dossiers_by_state(
    client: TestClient, engine: Engine, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citizen_app import metrics

    metrics.watch_jobs()
    before = client.get("/metrics").text
    requests_before = _sample(before, "citizen_http_requests_total", area="ops", method="GET", status="200")
    submitted(db_session)
    jobs.enqueue(db_session, "dashboard.rollup")
    jobs.enqueue(db_session, "no.such.task", max_attempts=1)
    db_session.commit()
    jobs.run_due(engine)
    text = client.get("/metrics").text
    assert _sample(text, "citizen_http_requests_total", area="ops", method="GET", status="200") >= requests_before + 1
    assert _sample(text, "citizen_dossiers", status="submitted") == 1
    assert _sample(text, "citizen_jobs", status="failed") == 1
    assert _sample(text, "citizen_jobs", status="done") >= 1
    assert _sample(text, "citizen_job_failures_total", task="no.such.task") >= 1
    assert "citizen_ws_event_seconds" in text and "citizen_http_request_seconds_bucket" in text

    monkeypatch.setenv("METRICS_TOKEN", "scrape-me")
    reset_settings_cache()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"authorization": "Bearer scrape-me"}).status_code == 200


def test_websocket_event_names_are_short_and_bounded() -> None:
    from citizen_app.metrics import short_handler_name

    name = "reflex___state____state.citizen_app___states___catalog____search_state.search"
    assert short_handler_name(name) == "search_state.search"


# --- request ids and logs ---------------------------------------------------------------------------------


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The app's own log handler, in JSON, writing to a buffer."""
    from citizen_app.logs import make_handler

    monkeypatch.setenv("LOG_FORMAT", "json")
    reset_settings_cache()
    stream = io.StringIO()
    handler = make_handler(get_settings(), stream)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_every_response_has_a_request_id_and_its_log_line_the_same(client: TestClient, log_lines: io.StringIO) -> None:
    response = client.get("/vi/offline", headers={"x-request-id": "trace-abc-12345"})
    assert response.headers["x-request-id"] == "trace-abc-12345"
    forged = client.get("/vi/offline", headers={"x-request-id": "<script>"})
    assert forged.headers["x-request-id"] != "<script>" and len(forged.headers["x-request-id"]) == 32
    entries = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    access = [e for e in entries if e.get("event") == "request"]
    assert [(e["path"], e["status"]) for e in access] == [("/vi/offline", 200), ("/vi/offline", 200)]
    assert access[0]["request_id"] == "trace-abc-12345"
    assert access[1]["request_id"] == forged.headers["x-request-id"]


def test_no_id_number_phone_or_email_in_any_log_line(
    client: TestClient, log_lines: io.StringIO, engine: Engine, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Requests that carry personal data in the path and the query string.
    client.get(f"/v/{PERSONAL[0]}?phone={PERSONAL[1]}&email={PERSONAL[2]}")
    client.get(f"/vi/receipts/{PERSONAL[0]}")
    client.get(f"/files/{PERSONAL[0][:6]}?who={PERSONAL[2]}")
    # Code that logs what it should not: the filter catches it, in the message and the traceback.
    log = logging.getLogger("citizen_app.test")
    log.warning("citizen %s called from %s, wrote from %s", PERSONAL[0], "+84 912 345 678", PERSONAL[2])
    try:
        raise ValueError(f"profile {PERSONAL[0]} phone {PERSONAL[1]}")
    except ValueError:
        log.exception("could not save the profile of %s", PERSONAL[2])
    # A mail server that fails: the job logs the failure.
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", "1")
    reset_settings_cache()
    citizen = make_user(db_session)
    db_session.add(UserProfile(user_id=citizen, email=PERSONAL[2], phone=PERSONAL[1], notify_email=True))
    db_session.commit()
    from citizen_app.core.dossiers import Actor

    submitted(db_session, Actor.citizen(citizen))
    assert any(o.result == "retry" for o in jobs.run_due(engine))

    output = log_lines.getvalue()
    lines = output.splitlines()
    assert len(lines) >= 6
    for line in lines:
        entry = json.loads(line)  # every line is one JSON object
        assert entry["request_id"]
    for value in (*PERSONAL, "912 345 678"):
        assert value not in output
    assert "[redacted]" in output


def test_the_redacting_filter_keeps_codes_and_times() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "dossier %s at %s took %d ms", ("000.00.08.H26-250701-0001", "2025-07-01T08:00", 42), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "dossier 000.00.08.H26-250701-0001 at 2025-07-01T08:00 took 42 ms"


def test_configure_logging_is_json_when_asked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    reset_settings_cache()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        configure_logging(force=True)
        logging.getLogger("citizen_app.x").warning("hello %s", PERSONAL[2])
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(line)["message"] == "hello [redacted]"
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)


# --- unknown service codes --------------------------------------------------------------------------------


def test_unknown_service_codes_answer_404_known_ones_pass() -> None:
    from starlette.responses import HTMLResponse

    async def page(scope, receive, send):  # type: ignore[no-untyped-def]
        await HTMLResponse("<html>service page</html>")(scope, receive, send)

    app = TestClient(UnknownServiceMiddleware(page))
    assert is_unknown_service("/vi/services/9.999999")
    assert not is_unknown_service("/vi/services/1.000656") and not is_unknown_service("/vi/search")
    unknown = app.get("/vi/services/9.999999")
    assert unknown.status_code == 404 and unknown.text == "<html>service page</html>"
    assert unknown.headers["cache-control"] == "no-store"
    assert app.get("/en/services/9.999999/").status_code == 404
    assert app.get("/vi/services/1.000656").status_code == 200
    assert app.get("/vi/search").status_code == 200


# --- background jobs for supervisors ----------------------------------------------------------------------


def test_supervisors_see_failed_jobs_and_send_them_round_again(
    client: TestClient, engine: Engine, db_session: Session
) -> None:
    jobs.enqueue(db_session, "no.such.task", max_attempts=1)
    db_session.commit()
    jobs.run_due(engine)
    failed_id = jobs.failed_jobs(db_session)[0].id

    supervisor = _cookie("tung.phan")
    page = client.get("/vi/staff/jobs", headers=supervisor)
    assert page.status_code == 200
    assert f'data-testid="staff-jobs-failed-{failed_id}"' in page.text
    assert 'data-testid="staff-jobs-depth-failed"' in page.text and "UnknownTask" in page.text
    assert client.get("/en/staff/jobs", headers=supervisor).text.count("Failed jobs") == 1

    # A counter officer and a citizen are refused; so is a post from another site.
    assert client.get("/vi/staff/jobs", headers=_cookie("mai.ngo")).status_code == 403
    assert client.get("/vi/staff/jobs", headers=_cookie("an.nguyen")).status_code == 403
    foreign = {**supervisor, "origin": "https://evil.example"}
    assert client.post(f"/vi/staff/jobs/{failed_id}/retry", headers=foreign).status_code == 403
    assert jobs.depth(db_session)["failed"] == 1

    retried = client.post(
        f"/vi/staff/jobs/{failed_id}/retry", headers={**supervisor, "origin": "http://127.0.0.1:3000"},
        follow_redirects=False,
    )
    assert retried.status_code == 303 and retried.headers["location"] == f"/vi/staff/jobs?retried={failed_id}"
    db_session.expire_all()
    assert jobs.depth(db_session)["queued"] == 1
    assert 'data-testid="staff-jobs-retried"' in client.get(retried.headers["location"], headers=supervisor).text


# --- SMS through the sandbox gateway ----------------------------------------------------------------------


def test_a_supplement_request_sends_a_text_message_the_sandbox_shows(
    client: TestClient, engine: Engine, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citizen_app.core.dossiers import Actor

    # The http-json plugin, talking to the sandbox gateway mounted on the app (no network needed).
    sms.register_provider("test-sandbox", lambda s: sms.HttpJsonProvider(s, client=client))
    monkeypatch.setenv("SMS_PROVIDER", "test-sandbox")
    monkeypatch.setenv("SMS_API_URL", "http://127.0.0.1:3000/sandbox/sms/api/messages")
    reset_settings_cache()
    user_id = make_user(db_session)
    db_session.add(UserProfile(user_id=user_id, phone="0912345678", preferred_locale="vi"))
    db_session.commit()
    dossier_id, _citizen = submitted(db_session, Actor.citizen(user_id))
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW)
    dossiers.fire(db_session, dossier_id, "processing", staff, now=NOW)
    db_session.commit()
    assert [o.task for o in jobs.run_due(engine)] == []  # submitted, received, processing: no SMS
    dossiers.request_supplement(
        db_session, dossier_id, staff, form=form(), fields=["reason"], attachments=["other_documents"],
        message="Bổ sung giấy xác nhận", now=NOW,
    )
    db_session.commit()
    assert [(o.task, o.result) for o in jobs.run_due(engine)] == [("notifications.sms", "done")]

    shown = client.get("/sandbox/sms/")
    assert shown.status_code == 200 and 'data-testid="sms-sandbox-banner"' in shown.text
    assert "THỬ NGHIỆM" in shown.text and "0912345678" in shown.text
    assert "Cần bổ sung" not in shown.text  # sent without diacritics (one SMS segment holds 160 characters)
    assert "/vi/applications/" in shown.text
    assert "SANDBOX" in client.get("/sandbox/sms/?lang=en").text
    # The gateway's API wants the key.
    refused = client.post("/sandbox/sms/api/messages", json={"from": "X", "to": "0912345678", "text": "hi"})
    assert refused.status_code == 401
