"""The public part of ``/api/v1``: catalogue, dossier lookup, indicators, published feedback, this API's
document. Each route reads its parameters, calls the core and answers in the OpenAPI document's shapes."""

from __future__ import annotations

import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.catalog.model import LEVELS
from citizen_app.core.feedback import public as feedback_public
from citizen_app.core.feedback.rules import TOPICS
from citizen_app.core.open_data import catalogue, indicators
from citizen_app.core.open_data.dossier_access import counted_lookup
from citizen_app.core.open_data.openapi import BASE, MONTH_PATTERN, document
from citizen_app.core.statuses import status_label
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.web.api.common import (
    ApiProblem,
    async_endpoint,
    bad,
    bool_param,
    both_languages,
    check_object,
    client_ip,
    endpoint,
    int_param,
    isoformat,
    json_body,
    json_response,
    text_param,
    too_many,
)

PROVINCE_PATTERN = r"[0-9]{2}"
LOOKUP_DIGITS = re.compile(r"^[0-9]{4}$")


@endpoint
def openapi_document(_request: Request) -> Response:
    return json_response(document())


def _paging(request: Request) -> tuple[int, int]:
    return (int_param(request, "limit", catalogue.DEFAULT_LIMIT, 1, catalogue.MAX_LIMIT),
            int_param(request, "offset", 0, 0, catalogue.MAX_OFFSET))


@endpoint
def procedures(request: Request) -> Response:
    field = text_param(request, "field", max_length=80)
    level = text_param(request, "level", choices=LEVELS)
    online = bool_param(request, "online")
    limit, offset = _paging(request)
    return json_response(catalogue.list_procedures(field=field, level=level, online=online, limit=limit,
                                                   offset=offset))


def _procedure(request: Request) -> Any:
    found = catalogue.find_procedure(request.path_params["code"])
    if found is None:
        raise ApiProblem(404, "not_found", "No procedure with this code")
    return found


@endpoint
def procedure(request: Request) -> Response:
    return json_response(catalogue.procedure_detail(_procedure(request)))


@endpoint
def procedure_fees(request: Request) -> Response:
    return json_response(catalogue.fees(_procedure(request)))


@endpoint
def procedure_documents(request: Request) -> Response:
    return json_response(catalogue.documents(_procedure(request)))


@endpoint
def fields(_request: Request) -> Response:
    return json_response(catalogue.list_fields())


@endpoint
def agencies(request: Request) -> Response:
    province = text_param(request, "province", max_length=2, pattern=PROVINCE_PATTERN)
    limit, offset = _paging(request)
    return json_response(catalogue.list_agencies(province=province, limit=limit, offset=offset))


@endpoint
def agency(request: Request) -> Response:
    found = catalogue.find_agency(request.path_params["code"])
    if found is None:
        raise ApiProblem(404, "not_found", "No receiving agency with this code")
    return json_response(found)


def _lookup(code: str, digits: str, client: str) -> Response:
    now = utcnow()
    with unit_of_work() as db:
        outcome = counted_lookup(db, code, digits, client=client, now=now)
    if not outcome.allowed:
        raise too_many(outcome.retry_after_seconds)
    found = outcome.found
    if found is None:
        # One answer for a wrong code and wrong digits alike: the API says nothing about which.
        raise ApiProblem(404, "not_found", "No dossier with this code and these digits")
    return json_response(
        {
            "code": found.code,
            "status": found.status,
            "status_label": both_languages(status_label(found.status)),
            "procedure_name": {"vi": found.procedure_name.get("vi", ""), "en": found.procedure_name.get("en", "")},
            "receiving_unit": {"vi": found.receiving_unit.get("vi", ""), "en": found.receiving_unit.get("en", "")},
            "sent_at": isoformat(found.sent_at),
            "received_at": isoformat(found.received_at),
            "appointment_at": isoformat(found.appointment_at),
            "overdue": found.overdue,
        },
        public=False,
    )


@async_endpoint
async def dossier_lookup(request: Request) -> Response:
    body = check_object(
        await json_body(request),
        {
            "code": lambda v: isinstance(v, str) and 1 <= len(v) <= 40,
            "pid_last4": lambda v: isinstance(v, str) and LOOKUP_DIGITS.match(v) is not None,
        },
        ("code", "pid_last4"),
    )
    return await run_in_threadpool(_lookup, body["code"], body["pid_last4"], client_ip(request))


def _indicator_table(request: Request) -> indicators.IndicatorTable:
    level = text_param(request, "level", choices=indicators.LEVELS) or "province"
    province = text_param(request, "province", max_length=2, pattern=PROVINCE_PATTERN)
    raw_from = text_param(request, "from", max_length=7, pattern=MONTH_PATTERN[1:-1])
    raw_to = text_param(request, "to", max_length=7, pattern=MONTH_PATTERN[1:-1])
    now = utcnow()
    first, last = indicators.default_period(now)
    if raw_to:
        last = indicators.parse_month(raw_to) or last
        first = indicators.add_months(last, 1 - indicators.DEFAULT_MONTHS)
    if raw_from:
        first = indicators.parse_month(raw_from) or first
    if first.year < 2000 or last.year > 2100:
        raise bad("months between 2000 and 2100")
    if first > last:
        raise bad("from must not be after to")
    if len(indicators.month_keys(first, last)) > indicators.MAX_MONTHS:
        raise bad(f"at most {indicators.MAX_MONTHS} months at a time")
    with unit_of_work() as db:
        return indicators.monthly_indicators(
            db, first_month=first, last_month=last, now=now, level=level, province_code=province
        )


@endpoint
def indicators_json(request: Request) -> Response:
    table = _indicator_table(request)
    response = json_response(indicators.to_document(table))
    response.headers["Link"] = f'<{indicators.LICENCE["url"]}>; rel="license"'
    return response


@endpoint
def indicators_csv(request: Request) -> Response:
    table = _indicator_table(request)
    response = Response(indicators.to_csv(table), media_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{indicators.filename(table, "csv")}"'
    response.headers["Link"] = f'<{indicators.LICENCE["url"]}>; rel="license"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@endpoint
def published_feedback(request: Request) -> Response:
    topic = text_param(request, "topic", choices=TOPICS)
    query = text_param(request, "q", max_length=200) or ""
    page = int_param(request, "page", 0, 0, 10000)
    with unit_of_work() as db:
        found = feedback_public.public_answers(db, topic=topic, query=query, page=page)
    return json_response(
        {
            "items": [
                {
                    "id": item.id,
                    "topic": item.topic,
                    "title": item.title,
                    "question": item.question,
                    "answer": item.answer,
                    "unit_name": {"vi": item.unit_name.get("vi", ""), "en": item.unit_name.get("en", "")},
                    "received_at": isoformat(item.received_at),
                    "answered_at": isoformat(item.answered_at),
                    "published_at": isoformat(item.published_at),
                }
                for item in found.items
            ],
            "total": found.total,
            "page": found.page,
            "page_size": found.page_size,
        }
    )


routes: list[BaseRoute] = [
    Route(f"{BASE}/openapi.json", openapi_document),
    Route(f"{BASE}/procedures", procedures),
    Route(f"{BASE}/procedures/{{code}}", procedure),
    Route(f"{BASE}/procedures/{{code}}/fees", procedure_fees),
    Route(f"{BASE}/procedures/{{code}}/documents", procedure_documents),
    Route(f"{BASE}/fields", fields),
    Route(f"{BASE}/agencies", agencies),
    Route(f"{BASE}/agencies/{{code}}", agency),
    Route(f"{BASE}/dossiers/lookup", dossier_lookup, methods=["POST"]),
    Route(f"{BASE}/indicators", indicators_json),
    Route(f"{BASE}/indicators.csv", indicators_csv),
    Route(f"{BASE}/feedback", published_feedback),
]
