"""Operations: liveness, readiness, metrics, and the request id + access log of every request.

    GET /healthz   the process answers (no dependency is checked: a load balancer restarts on this)
    GET /readyz    the database, Redis (when REDIS_URL is set) and the file storage answer; 503 if not
    GET /metrics   Prometheus text (citizen_app/metrics.py); ``METRICS_TOKEN`` makes it need a bearer token
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from citizen_app import metrics
from citizen_app.core.redaction import redact
from citizen_app.core.storage import get_storage
from citizen_app.db.engine import get_engine
from citizen_app.logs import request_id
from citizen_app.settings import get_settings

log = logging.getLogger("citizen_app.access")

_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
AREAS = {
    "_event": "websocket",
    "_upload": "upload",
    "files": "files",
    "auth": "auth",
    "idp": "idp",
    "v": "verify",
    "sandbox": "sandbox",
    "healthz": "ops",
    "readyz": "ops",
    "metrics": "ops",
    "_next": "static",
    "css": "static",
    "js": "static",
    "fonts": "static",
    "icons": "static",
    "assets": "static",
    "sw.js": "static",
    "favicon.ico": "static",
}
QUIET_AREAS = {"ops", "static"}


def area_of(path: str) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    if first in AREAS:
        return AREAS[first]
    return "page" if first in ("vi", "en", "") else "other"


class RequestContextMiddleware:
    """Request id in, request id out; one access log line and the request metrics (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _GOOD_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        path = scope.get("path", "")
        area = area_of(path)
        method = scope.get("method", "WS")
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id if scope["type"] == "http" else send)
        finally:
            elapsed = time.perf_counter() - started
            if scope["type"] == "http":
                metrics.http_requests.labels(area, method, str(status)).inc()
                metrics.http_latency.labels(area).observe(elapsed)
                if area not in QUIET_AREAS:
                    # The path only: query strings carry what people typed (searches, codes).
                    log.info(
                        "%s %s %s",
                        method,
                        redact(path),
                        status,
                        extra={
                            "event": "request",
                            "method": method,
                            "path": redact(path),
                            "status": status,
                            "duration_ms": round(elapsed * 1000, 1),
                        },
                    )
            else:
                metrics.http_requests.labels(area, "WS", "101").inc()
            request_id.reset(token)


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _state_manager() -> str:
    """The class of state manager the running Reflex app uses (e.g. StateManagerRedis), if it runs here."""
    module = sys.modules.get("citizen_app.citizen_app")
    app = getattr(module, "app", None)
    try:
        return type(app.state_manager).__name__ if app is not None else "none"
    except Exception:
        return "unknown"


def _checks() -> tuple[bool, dict[str, Any]]:
    settings = get_settings()
    checks: dict[str, Any] = {}
    try:
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"error: {type(error).__name__}"
    if settings.redis_url:
        try:
            import redis

            client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
            try:
                client.ping()
            finally:
                client.close()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"error: {type(error).__name__}"
    try:
        get_storage(settings).check()
        checks["storage"] = "ok"
    except Exception as error:
        checks["storage"] = f"error: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return ready, {
        "status": "ready" if ready else "not ready",
        "checks": checks,
        "storage": settings.storage_backend,
        "state_manager": _state_manager(),
        "workers": settings.web_workers,
        "pid": os.getpid(),
    }


async def readyz(_request: Request) -> Response:
    ready, body = await run_in_threadpool(_checks)
    return JSONResponse(body, status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})


async def metrics_endpoint(request: Request) -> Response:
    token = get_settings().metrics_token
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    body, content_type = await run_in_threadpool(metrics.render_latest)
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


routes: list[BaseRoute] = [
    Route("/healthz", healthz),
    Route("/readyz", readyz),
    Route("/metrics", metrics_endpoint),
]
