"""What every ``/api/v1`` route shares: JSON answers and errors, parameters, the per-client limit."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from citizen_app.core import rate_limit
from citizen_app.core.i18n import LOCALES, Msg, get_translator
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings

API = "api"


class ApiProblem(Exception):
    """An answer other than 200: the status, a machine-readable code and a sentence for developers."""

    def __init__(self, status: int, error: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = dict(headers or {})


def problem_response(problem: ApiProblem) -> Response:
    return json_response({"error": problem.error, "message": problem.message}, problem.status, problem.headers)


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None,
                  *, public: bool = True) -> Response:
    response = JSONResponse(body, status_code=status, headers=dict(headers or {}))
    if public:
        # Open data: any site may read it from the browser.
        response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store" if status != 200 or not public else "public, max-age=60"
    return response


def isoformat(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def both_languages(message: Msg | str) -> dict[str, str]:
    msg = message if isinstance(message, Msg) else Msg(message)
    return {locale: get_translator(locale).render(msg) for locale in LOCALES}


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def count_call(client: str, *, now: datetime | None = None) -> None:
    """One call against ``Settings.api_rate_limit_per_minute``; over it, a 429 with Retry-After."""
    with unit_of_work() as db:
        decision = rate_limit.hit(
            db, API, client, limit=get_settings().api_rate_limit_per_minute, now=now or utcnow()
        )
    if not decision.allowed:
        raise too_many(decision.retry_after_seconds)


def too_many(retry_after: int) -> ApiProblem:
    return ApiProblem(429, "rate_limited", "Too many requests: wait, then try again",
                      {"Retry-After": str(max(retry_after, 1))})


def endpoint(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """A plain (threadpool) route: count the call per client IP, then answer; an :class:`ApiProblem`
    becomes its JSON error."""

    @functools.wraps(handler)
    def run(request: Request) -> Response:
        try:
            count_call(client_ip(request))
            return handler(request)
        except ApiProblem as problem:
            return problem_response(problem)

    return run


def async_endpoint(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """The same for a route that reads a body (the database work of ``handler`` goes to the threadpool)."""

    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        try:
            await run_in_threadpool(count_call, client_ip(request))
            return await handler(request)
        except ApiProblem as problem:
            return problem_response(problem)

    return run


# --- parameters -------------------------------------------------------------------------------------------


def bad(message: str) -> ApiProblem:
    return ApiProblem(400, "bad_request", message)


def text_param(request: Request, name: str, *, max_length: int = 200, pattern: str | None = None,
               choices: tuple[str, ...] | None = None) -> str | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise bad(f"give {name} once")
    value = values[0]
    if len(value) > max_length:
        raise bad(f"{name} is longer than {max_length} characters")
    if pattern is not None and not re.fullmatch(pattern, value):
        raise bad(f"{name} must match {pattern}")
    if choices is not None and value not in choices:
        raise bad(f"{name} must be one of {', '.join(choices)}")
    return value


def int_param(request: Request, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = text_param(request, name, max_length=12)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]+", raw):
        raise bad(f"{name} must be an integer")
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        raise bad(f"{name} must be between {minimum} and {maximum}" if maximum is not None
                  else f"{name} must be at least {minimum}")
    return value


def bool_param(request: Request, name: str) -> bool | None:
    raw = text_param(request, name, max_length=5, choices=("true", "false"))
    return None if raw is None else raw == "true"


async def json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


def unprocessable(message: str) -> ApiProblem:
    return ApiProblem(422, "invalid_body", message)


def check_object(body: Any, fields: Mapping[str, Callable[[Any], bool]], required: tuple[str, ...]) -> dict[str, Any]:
    """``body`` as a JSON object with only ``fields``, each passing its check, the ``required`` ones present."""
    if not isinstance(body, dict):
        raise unprocessable("send a JSON object")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise unprocessable(f"unknown fields: {', '.join(unknown)}")
    missing = [name for name in required if name not in body]
    if missing:
        raise unprocessable(f"missing fields: {', '.join(missing)}")
    for name, valid in fields.items():
        if name in body and not valid(body[name]):
            raise unprocessable(f"{name} is not valid")
    return body
