"""web/security.py: headers on every response, upload and body limits, websocket origin, long paths, sandbox refusal.

The middleware wraps a small Starlette app standing in for what Reflex serves; the e2e suite
(tests/e2e/test_security.py) walks the real app's routes with the same checks.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from citizen_app.core.dossiers.errors import AccessDenied
from citizen_app.settings import Settings, load_settings
from citizen_app.web import security
from citizen_app.web.security import (
    SandboxInProductionError,
    SecurityMiddleware,
    refuse_sandbox_in_production,
)

MB = 1024 * 1024
PAGE = (
    "<!doctype html><html><head><script>document.documentElement.lang='vi';</script>"
    "<script src=\"/assets/app.js\"></script></head><body><p>hi</p>"
    "<script>(function(){function start(){var s=document.createElement('script');s.type='module';"
    's.textContent="import \\"/assets/root.js\\";";document.body.appendChild(s);}})();</script>'
    "</body></html>"
)


def settings(**env: str) -> Settings:
    return load_settings({"DATA_DIR": "/tmp/citizen-security-test", **env})


class Received:
    """What the wrapped app got to read of a request body."""

    def __init__(self) -> None:
        self.bytes = 0
        self.calls = 0


def build(received: Received, *, signed_in: bool = True, config: Settings | None = None) -> TestClient:
    async def upload(request: Request) -> Response:
        received.calls += 1
        try:
            async for chunk in request.stream():
                received.bytes += len(chunk)
        except Exception:
            return Response(status_code=200)  # what Reflex answers when the client goes away
        return JSONResponse({"stored": received.bytes})

    async def page(_request: Request) -> Response:
        return HTMLResponse(PAGE)

    async def gzipped(_request: Request) -> Response:
        return Response(gzip.compress(PAGE.encode()), media_type="text/html", headers={"Content-Encoding": "gzip"})

    async def own_policy(_request: Request) -> Response:
        return HTMLResponse("<p>idp</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    async def attachment(_request: Request) -> Response:
        return Response(b"%PDF-1.4", media_type="application/pdf")

    async def echo(request: Request) -> Response:
        return PlainTextResponse(str(len(await request.body())))

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    app = Starlette(
        routes=[
            Route("/_upload", upload, methods=["POST"]),
            Route("/vi/", page),
            Route("/gz", gzipped),
            Route("/idp/", own_policy),
            Route("/files/7", attachment),
            Route("/echo", echo, methods=["POST"]),
            Route("/sw.js", lambda _r: PlainTextResponse("self.addEventListener('fetch', () => {});")),
            Route("/logo.png", lambda _r: FileResponse(__file__, media_type="image/png")),
            WebSocketRoute("/_event/", socket),
        ]
    )
    wrapped = SecurityMiddleware(
        app,
        settings=config or settings(),
        session_user=lambda cookie: object() if signed_in and cookie and "citizen_session=ok" in cookie else None,
    )
    return TestClient(wrapped, base_url="http://testserver")


def test_every_response_carries_the_headers() -> None:
    client = build(Received())
    for path in ("/vi/", "/gz", "/sw.js", "/logo.png", "/files/7", "/idp/", "/nowhere"):
        response = client.get(path)
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["referrer-policy"], path
        assert "camera=(self)" in headers["permissions-policy"] and "geolocation=()" in headers["permissions-policy"]
        assert "content-security-policy" in headers, path
        assert "strict-transport-security" not in headers, path  # plain http: HSTS would be ignored
    policy = client.get("/vi/").headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    # A page that brought its own policy (the sandbox provider's, stricter) keeps it.
    assert client.get("/idp/").headers["content-security-policy"] == "default-src 'none'"
    # Attachments are shown, never run as the app.
    assert client.get("/files/7").headers["content-security-policy"].startswith("sandbox;")


def test_hsts_over_https() -> None:
    client = build(Received(), config=settings(PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false"))
    for path in ("/vi/", "/logo.png", "/files/7"):
        assert client.get(path).headers["strict-transport-security"].startswith("max-age=31536000"), path
    assert "upgrade-insecure-requests" in client.get("/vi/").headers["content-security-policy"]


def test_the_page_policy_allows_exactly_its_inline_scripts() -> None:
    client = build(Received())
    for path in ("/vi/", "/gz"):  # served as is, and precompressed as Reflex serves its build
        policy = client.get(path).headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        expected = {
            security._sha256("document.documentElement.lang='vi';"),
            security._sha256(re.findall(r"<script>(.*?)</script>", PAGE)[1]),
            security._sha256('import "/assets/root.js";'),  # the module the deferred loader inserts
        }
        assert {f"'{digest}'" for digest in expected} <= set(script_src)
        assert len([source for source in script_src if source.startswith("'sha256-")]) == 3


def test_an_upload_without_a_session_is_refused_before_its_body_is_read() -> None:
    received = Received()
    client = build(received, signed_in=False)

    def body() -> Iterator[bytes]:  # 150 MB, announced honestly
        chunk = b"x" * MB
        for _ in range(150):
            yield chunk

    response = client.post("/_upload", content=body(), headers={"Content-Length": str(150 * MB)})
    assert response.status_code == 413 and received.calls == 0
    small = client.post("/_upload", content=b"x" * 1000)
    assert small.status_code == 401 and received.calls == 0


def test_only_a_feedback_photo_may_be_sent_without_a_session_and_only_a_small_one() -> None:
    from citizen_app.states.feedback.flow import FeedbackFlowState

    assert f"{FeedbackFlowState.get_full_name()}.upload_photo" == security.ANONYMOUS_FEEDBACK_PHOTO_HANDLER
    received = Received()
    client = build(received, signed_in=False)
    photo = {"reflex-event-handler": security.ANONYMOUS_FEEDBACK_PHOTO_HANDLER}
    assert client.post("/_upload", content=b"x" * 1000, headers=photo).status_code != 401
    assert received.calls == 1
    too_big = settings().feedback_max_photo_mb * MB + 65 * 1024
    refused = client.post("/_upload", content=b"x" * too_big, headers=photo)
    assert refused.status_code == 413 and received.calls == 1
    # Any other handler (a dossier's documents) still needs a session.
    other = {"reflex-event-handler": security.ANONYMOUS_FEEDBACK_PHOTO_HANDLER.replace("upload_photo", "upload")}
    assert client.post("/_upload", content=b"x" * 1000, headers=other).status_code == 401


def test_an_upload_over_the_dossier_limit_is_cut_off_while_streaming() -> None:
    received = Received()
    client = build(received)
    client.cookies.set("citizen_session", "ok")
    limit = settings().max_upload_body_bytes
    sent = 0

    def body():  # no Content-Length: only counting can tell
        nonlocal sent
        chunk = b"x" * MB
        for _ in range(150):
            sent += len(chunk)
            yield chunk

    response = client.post("/_upload", content=body())
    assert response.status_code == 413
    assert received.bytes <= limit < 150 * MB  # the app never saw more than the limit
    # With an honest Content-Length it is refused before anything is read.
    received.bytes = received.calls = 0
    refused = client.post("/_upload", content=b"x" * (limit + 1))
    assert refused.status_code == 413 and received.calls == 0
    # Within the limit, with a session, it goes through.
    allowed = client.post("/_upload", content=b"x" * (2 * MB))
    assert allowed.status_code == 200 and allowed.json() == {"stored": 2 * MB}


def test_other_request_bodies_are_capped() -> None:
    client = build(Received())
    assert client.post("/echo", content=b"x" * 1000).text == "1000"
    assert client.post("/echo", content=b"x" * (security.MAX_BODY_BYTES + 1)).status_code == 413


def test_the_websocket_refuses_other_origins() -> None:
    client = build(Received())
    with client.websocket_connect("/_event/", headers={"Origin": "http://testserver"}) as ws:
        assert ws.receive_text() == "hello"
    with client.websocket_connect("/_event/") as ws:  # no Origin: not a browser, nothing to hijack
        assert ws.receive_text() == "hello"
    for origin in ("https://evil.example", "http://testserver.evil.example", "null"):
        with pytest.raises(WebSocketDisconnect), client.websocket_connect("/_event/", headers={"Origin": origin}):
            pass
    # Engine.IO's long-polling fallback is plain HTTP on the same path.
    assert client.get("/_event/?EIO=4&transport=polling", headers={"Origin": "https://evil.example"}).status_code == 403


def test_the_public_address_is_an_allowed_origin_behind_a_proxy() -> None:
    client = build(Received(), config=settings(PUBLIC_BASE_URL="https://dvc.example.vn", ALLOW_SANDBOX_IN_PRODUCTION="1"))
    with client.websocket_connect("/_event/", headers={"Origin": "https://dvc.example.vn"}) as ws:
        assert ws.receive_text() == "hello"


@pytest.mark.parametrize("path", ["/" + "a" * 4500, "/vi/services/" + "a" * 300, "/vi/" + "%C3%A2" * 200])
def test_absurd_paths_are_not_found(path: str) -> None:
    response = build(Received()).get(path)
    assert response.status_code == 404
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_sandbox_on_a_public_https_address_stops_the_app() -> None:
    with pytest.raises(SandboxInProductionError, match="SANDBOX_IDP=false"):
        refuse_sandbox_in_production(settings(PUBLIC_BASE_URL="https://dichvucong.example.vn"))
    # Forced on purpose (a public test system), or no sandbox, or plain http on a developer's machine: starts.
    refuse_sandbox_in_production(
        settings(PUBLIC_BASE_URL="https://test.example.vn", ALLOW_SANDBOX_IN_PRODUCTION="true")
    )
    with pytest.raises(SandboxInProductionError, match="SANDBOX_SMS=false"):
        refuse_sandbox_in_production(settings(PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false"))
    # The registries that prefill forms (issue 12) are a sandbox too.
    with pytest.raises(SandboxInProductionError, match="SANDBOX_REGISTRIES=false"):
        refuse_sandbox_in_production(
            settings(PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false", SANDBOX_SMS="false")
        )
    with pytest.raises(SandboxInProductionError, match="SANDBOX_PAYMENTS=false"):
        refuse_sandbox_in_production(
            settings(
                PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false", SANDBOX_SMS="false",
                SANDBOX_REGISTRIES="false",
            )
        )
    # Results signed by the app's own certificate authority (issue 13) are a sandbox too.
    with pytest.raises(SandboxInProductionError, match="SIGNING_AUTHORITY=pkcs12"):
        refuse_sandbox_in_production(
            settings(
                PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false", SANDBOX_SMS="false",
                SANDBOX_REGISTRIES="false", SANDBOX_PAYMENTS="false",
            )
        )
    refuse_sandbox_in_production(
        settings(
            PUBLIC_BASE_URL="https://dichvucong.example.vn", SANDBOX_IDP="false", SANDBOX_SMS="false",
            SANDBOX_REGISTRIES="false", SANDBOX_PAYMENTS="false", SIGNING_AUTHORITY="pkcs12",
            SIGNING_PKCS12="*=/etc/dichvucong/agency.p12",
        )
    )
    refuse_sandbox_in_production(settings(PUBLIC_BASE_URL="http://localhost:3000"))


def test_the_http_app_refuses_to_build_with_a_sandbox_on_https(monkeypatch: pytest.MonkeyPatch) -> None:
    from citizen_app.web import app as web_app

    monkeypatch.setattr(web_app, "get_settings", lambda: settings(PUBLIC_BASE_URL="https://dvc.example.vn"))
    with pytest.raises(SandboxInProductionError):
        web_app.build_http_app()


def test_form_targets_include_a_real_provider() -> None:
    policy = security.page_policy(
        replace(settings(), oidc_issuer="https://sso.vneid.example.vn/realms/citizen", sandbox_idp_enabled=False)
    )
    assert "form-action 'self' https://sso.vneid.example.vn" in policy


def test_refused_events_are_logged_on_one_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="citizen_app.web.security")
    try:
        raise AccessDenied(detail="dossier 7 is not yours")
    except AccessDenied as refused:
        assert security.event_exception_handler(refused) is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None and "refused" in record.getMessage()

    # A real bug keeps its traceback, once a minute per place; the replays are one line each.
    caplog.clear()
    security._last_traceback.clear()
    for _ in range(3):
        try:
            {}["missing"]
        except KeyError as bug:
            security.event_exception_handler(bug)
    assert [r.exc_info is not None for r in caplog.records] == [True, False, False]


def test_reflex_unknown_handler_errors_lose_their_traceback(caplog: pytest.LogCaptureFixture) -> None:
    security.quiet_refused_events()
    reflex_logger = logging.getLogger("reflex_base.event.processor.event_processor")
    caplog.set_level(logging.WARNING, logger=reflex_logger.name)
    try:
        raise KeyError("No registered handler found for event: state.evil")
    except KeyError:
        reflex_logger.exception("Error processing event queue entry")
    (record,) = caplog.records
    assert record.exc_info is None and record.levelno == logging.WARNING
    assert "No registered handler found" in record.getMessage()


def test_a_page_sent_as_a_file_path_gets_its_hashes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Granian sends static files with the ASGI ``pathsend`` extension: the page is read from its path."""
    import asyncio

    page = tmp_path / "index.html.gz"
    page.write_bytes(gzip.compress(PAGE.encode()))

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.pathsend", "path": str(page)})

    sent: list[dict] = []

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http", "method": "GET", "path": "/vi/", "headers": [], "scheme": "http",
        "extensions": {"http.response.pathsend": {}},
    }
    asyncio.run(SecurityMiddleware(app, settings=settings())(scope, receive, send))
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.pathsend"]
    policy = dict(sent[0]["headers"])[b"content-security-policy"].decode()
    assert security._sha256("document.documentElement.lang='vi';") in policy


def test_a_not_modified_answer_keeps_the_cached_pages_policy() -> None:
    """Browsers merge a 304's headers into the cached page: a hash-less policy there would break it."""
    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"1"')]})
        await send({"type": "http.response.body", "body": b""})

    client = TestClient(SecurityMiddleware(app, settings=settings()))
    response = client.get("/vi/account", headers={"If-None-Match": '"1"'})
    assert response.status_code == 304 and "content-security-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
