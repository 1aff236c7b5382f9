"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``.

Written out here rather than derived from code, so it is the contract: the routes in
``web/api`` answer in these shapes, and the test suite fuzzes them against this document
(schemathesis, tests/unit/open_data/test_api_fuzz.py). Schemas are JSON Schema 2020-12.
"""

from __future__ import annotations

from typing import Any

from citizen_app.core.catalog.model import CHANNELS, LEVELS
from citizen_app.core.feedback.rules import TOPICS
from citizen_app.core.open_data.catalogue import MAX_LIMIT, MAX_OFFSET
from citizen_app.core.open_data.clients import SCOPE_DESCRIPTIONS
from citizen_app.core.open_data.indicators import COLUMNS, LICENCE
from citizen_app.core.open_data.indicators import LEVELS as INDICATOR_LEVELS
from citizen_app.core.statuses import STATUSES

VERSION = "1.0.0"
BASE = "/api/v1"
TOKEN_PATH = f"{BASE}/oauth/token"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


TEXT = _ref("Text")
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
RATE = _nullable({"type": "number", "minimum": 0, "maximum": 1})
DATETIME = {"type": "string", "format": "date-time"}


def _schemas() -> dict[str, Schema]:
    page_of = lambda item: _object(  # noqa: E731
        {"items": {"type": "array", "items": _ref(item)}, "total": INTEGER, "limit": INTEGER, "offset": INTEGER}
    )
    summary = {
        "code": STRING,
        "name": TEXT,
        "field": STRING,
        "level": {"enum": list(LEVELS)},
        "online": {"type": "boolean", "description": "Can be applied for online in this app"},
        "information_only": {"type": "boolean"},
        "lowest_fee_vnd": _nullable(INTEGER),
        "fastest_working_days": _nullable(INTEGER),
        "page": TEXT,
    }
    fee = _object({"channel": {"enum": list(CHANNELS)}, "amount_vnd": INTEGER, "note": _nullable(TEXT)})
    document = _object(
        {"name": TEXT, "originals": INTEGER, "copies": INTEGER, "required": {"type": "boolean"},
         "note": _nullable(TEXT)}
    )
    indicator_row = _object(
        {
            "month": {"type": "string", "pattern": MONTH_PATTERN},
            "unit": {"enum": ["province", "commune", "centre"]},
            "province_code": STRING,
            "province_name": STRING,
            "commune_code": _nullable(STRING),
            "commune_name": _nullable(STRING),
            **{name: {"type": "integer", "minimum": 0} for name in (
                "received", "received_online", "resolved", "resolved_on_time", "resolved_overdue", "ratings",
                "ratings_satisfied",
            )},
            "online_share": RATE,
            "on_time_rate": RATE,
            "satisfaction_rate": RATE,
        }
    )
    return {
        "Text": {
            "type": "object",
            "description": "A text in Vietnamese and English",
            "properties": {"vi": STRING, "en": STRING},
            "required": ["vi", "en"],
        },
        "Error": _object({"error": STRING, "message": STRING}),
        "OAuthError": _object({"error": STRING, "error_description": STRING}, ["error"]),
        "ProcedureSummary": _object(summary),
        "ProcedurePage": page_of("ProcedureSummary"),
        "Fee": fee,
        "Document": document,
        "Procedure": _object(
            {
                **summary,
                "summary": _nullable(TEXT),
                "agency": _nullable(TEXT),
                "applicants": _nullable(TEXT),
                "conditions": _nullable(TEXT),
                "life_events": {"type": "array", "items": STRING},
                "processing_time": {"type": "array", "items": _object(
                    {
                        "channel": {"enum": list(CHANNELS)},
                        "days": INTEGER,
                        "unit": {"enum": ["working_days", "calendar_days"]},
                        "note": _nullable(TEXT),
                    }
                )},
                "fees": {"type": "array", "items": _ref("Fee")},
                "fee_exemptions": _nullable(TEXT),
                "documents": {"type": "array", "items": _ref("Document")},
                "results": {"type": "array", "items": TEXT},
                "legal_basis": {"type": "array", "items": _object({"number": STRING, "title": TEXT})},
                "steps": {"type": "array", "items": TEXT},
            }
        ),
        "Field": _object({"slug": STRING, "name": TEXT, "procedures": INTEGER}),
        "Agency": _object(
            {
                "code": {"type": "string", "description": "Receiving agency code, Circular 01/2018 shape"},
                "kind": {"enum": ["province_centre", "commune_committee"]},
                "name": TEXT,
                "province_code": STRING,
                "commune_code": _nullable(STRING),
            }
        ),
        "AgencyPage": page_of("Agency"),
        "LookupRequest": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "minLength": 1, "maxLength": 40,
                         "description": "The dossier code on the receipt"},
                "pid_last4": {"type": "string", "pattern": r"^[0-9]{4}$",
                              "description": "Last 4 digits of the applicant's personal ID number"},
            },
            "required": ["code", "pid_last4"],
            "additionalProperties": False,
        },
        "PublicStatus": _object(
            {
                "code": STRING,
                "status": {"enum": list(STATUSES)},
                "status_label": TEXT,
                "procedure_name": TEXT,
                "receiving_unit": TEXT,
                "sent_at": _nullable(DATETIME),
                "received_at": _nullable(DATETIME),
                "appointment_at": _nullable(DATETIME),
                "overdue": {"type": "boolean"},
            }
        ),
        "IndicatorRow": indicator_row,
        "Indicators": _object(
            {
                "licence": _object({"id": STRING, "name": STRING, "url": STRING, "attribution": STRING}),
                "generated_at": DATETIME,
                "level": {"enum": list(INDICATOR_LEVELS)},
                "province_code": _nullable(STRING),
                "months": {"type": "array", "items": {"type": "string", "pattern": MONTH_PATTERN}},
                "definitions": {"type": "object", "additionalProperties": STRING},
                "rows": {"type": "array", "items": _ref("IndicatorRow")},
            }
        ),
        "PublicAnswer": _object(
            {
                "id": INTEGER,
                "topic": {"enum": list(TOPICS)},
                "title": STRING,
                "question": STRING,
                "answer": STRING,
                "unit_name": TEXT,
                "received_at": DATETIME,
                "answered_at": _nullable(DATETIME),
                "published_at": DATETIME,
            }
        ),
        "PublicAnswerPage": _object(
            {"items": {"type": "array", "items": _ref("PublicAnswer")}, "total": INTEGER, "page": INTEGER,
             "page_size": INTEGER}
        ),
        "Token": _object(
            {"access_token": STRING, "token_type": {"enum": ["Bearer"]}, "expires_in": INTEGER, "scope": STRING},
            ["access_token", "token_type", "expires_in"],
        ),
        "PartnerDossier": _object(
            {
                "code": STRING,
                "status": {"enum": list(STATUSES)},
                "status_label": TEXT,
                "procedure_code": STRING,
                "procedure_name": TEXT,
                "agency_code": STRING,
                "receiving_unit": TEXT,
                "channel": {"enum": ["online", "counter"]},
                "received_at": _nullable(DATETIME),
                "appointment_at": _nullable(DATETIME),
                "finished_at": _nullable(DATETIME),
                "overdue": {"type": "boolean"},
                "next_statuses": {"type": "array", "items": {"enum": list(STATUSES)}},
            }
        ),
        "StatusUpdate": {
            "type": "object",
            "properties": {
                "status": {"enum": list(STATUSES), "description": "The status to move the dossier to"},
                "note": {"type": "string", "maxLength": 2000},
            },
            "required": ["status"],
            "additionalProperties": False,
        },
    }


def _json(schema: Schema, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer", "minimum": 0}}}
BAD_REQUEST = _json(_ref("Error"), "The parameters are not valid")
NOT_FOUND = _json(_ref("Error"), "Not found")
LIMITED = _json(_ref("Error"), "Too many requests from this client: wait, then try again", RETRY_AFTER)
UNAUTHORIZED = _json(
    _ref("Error"),
    "No valid access token (missing, unknown, expired or revoked)",
    {"WWW-Authenticate": {"description": "RFC 6750 challenge", "schema": STRING}},
)
FORBIDDEN = _json(_ref("Error"), "The access token lacks the scope this call needs")


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1},
            "description": description}


PAGING = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 50}, "Items per page"),
    _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, "Items to skip"),
]
PROVINCE = _query("province", {"type": "string", "pattern": r"^[0-9]{2}$"}, "Province code (2 digits)")


def _get(summary: str, ok: dict[str, Any], parameters: list[dict[str, Any]] | None = None, *,
         not_found: bool = False, tag: str) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "400": BAD_REQUEST, "429": LIMITED}
    if not_found:
        responses["404"] = NOT_FOUND
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses, "security": []}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def document() -> dict[str, Any]:
    indicator_parameters = [
        _query("level", {"enum": list(INDICATOR_LEVELS), "default": "province"}, "Rows per province or per commune"),
        PROVINCE,
        _query("from", {"type": "string", "pattern": MONTH_PATTERN}, "First month (YYYY-MM); default 11 months ago"),
        _query("to", {"type": "string", "pattern": MONTH_PATTERN}, "Last month (YYYY-MM); default this month"),
    ]
    csv_ok = {"description": "The same rows as CSV (RFC 4180), columns: " + ", ".join(COLUMNS),
              "content": {"text/csv": {"schema": STRING}}}
    partner_security = lambda scope: [{"partner": [scope]}]  # noqa: E731
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Dịch vụ công · Citizen public services: open API",
            "version": VERSION,
            "description": (
                "The catalogue of administrative procedures (fees, documents, agencies), the public "
                "dossier lookup, published answers to citizens' feedback, and monthly indicators per "
                "province and commune. Public endpoints need no key and are rate-limited per client. "
                "Partner systems (e.g. a province's own system) use OAuth 2 client credentials for the "
                "/partner endpoints. Texts come in Vietnamese and English. Indicators are published "
                f"under {LICENCE['name']} ({LICENCE['url']})."
            ),
            "license": {"name": LICENCE["name"], "identifier": LICENCE["id"]},
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "catalogue"}, {"name": "dossiers"}, {"name": "indicators"}, {"name": "feedback"},
            {"name": "partner"},
        ],
        "paths": {
            f"{BASE}/openapi.json": _get(
                "This document", {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {
                    "type": "object"}}}}, tag="catalogue"
            ),
            f"{BASE}/procedures": _get(
                "Procedures, in browse order",
                _json(_ref("ProcedurePage"), "A page of procedures"),
                [
                    _query("field", {"type": "string", "maxLength": 80}, "Field slug (see /fields)"),
                    _query("level", {"enum": list(LEVELS)}, "Administrative level"),
                    _query("online", {"type": "boolean"}, "Only those that can (true) or cannot (false) be "
                                                          "applied for online"),
                    *PAGING,
                ],
                tag="catalogue",
            ),
            f"{BASE}/procedures/{{code}}": _get(
                "One procedure with its processing times, fees and documents",
                _json(_ref("Procedure"), "The procedure"),
                [_path("code", "National procedure code, e.g. 1.001193")], not_found=True, tag="catalogue",
            ),
            f"{BASE}/procedures/{{code}}/fees": _get(
                "The fees of a procedure, per channel",
                _json({"type": "array", "items": _ref("Fee")}, "Fees"),
                [_path("code", "National procedure code")], not_found=True, tag="catalogue",
            ),
            f"{BASE}/procedures/{{code}}/documents": _get(
                "The documents a procedure asks for",
                _json({"type": "array", "items": _ref("Document")}, "Documents"),
                [_path("code", "National procedure code")], not_found=True, tag="catalogue",
            ),
            f"{BASE}/fields": _get(
                "Fields (sectors) with their procedure counts",
                _json({"type": "array", "items": _ref("Field")}, "Fields"), tag="catalogue",
            ),
            f"{BASE}/agencies": _get(
                "Receiving agencies: each province's service centre and its communes' People's Committees",
                _json(_ref("AgencyPage"), "A page of agencies"), [PROVINCE, *PAGING], tag="catalogue",
            ),
            f"{BASE}/agencies/{{code}}": _get(
                "One receiving agency", _json(_ref("Agency"), "The agency"),
                [_path("code", "Agency code, e.g. 004.00.20.H01")], not_found=True, tag="catalogue",
            ),
            f"{BASE}/dossiers/lookup": {
                "post": {
                    "summary": "The public status of a dossier: its code and the last 4 digits of the applicant's "
                               "ID number (no personal data). Limited per client, with the tracking page.",
                    "tags": ["dossiers"],
                    "security": [],
                    "requestBody": {"required": True,
                                    "content": {"application/json": {"schema": _ref("LookupRequest")}}},
                    "responses": {
                        "200": _json(_ref("PublicStatus"), "Found"),
                        "404": _json(_ref("Error"), "No dossier with this code and these digits"),
                        "422": _json(_ref("Error"), "The body is not a valid lookup"),
                        "429": LIMITED,
                    },
                }
            },
            f"{BASE}/indicators": _get(
                "Monthly indicators per province or commune (JSON)",
                _json(_ref("Indicators"), "The rows, their definitions and the licence"),
                indicator_parameters, tag="indicators",
            ),
            f"{BASE}/indicators.csv": _get(
                "Monthly indicators per province or commune (CSV)", csv_ok, indicator_parameters, tag="indicators"
            ),
            f"{BASE}/feedback": _get(
                "Answers to citizens' feedback that supervisors published, personal data removed",
                _json(_ref("PublicAnswerPage"), "A page of answers, newest first"),
                [
                    _query("topic", {"enum": list(TOPICS)}, "Topic"),
                    _query("q", {"type": "string", "maxLength": 200}, "Words to find (accents optional)"),
                    _query("page", {"type": "integer", "minimum": 0, "maximum": 10000, "default": 0}, "Page"),
                ],
                tag="feedback",
            ),
            TOKEN_PATH: {
                "post": {
                    "summary": "An access token for a partner system (OAuth 2 client credentials, RFC 6749 §4.4)",
                    "tags": ["partner"],
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": {
                            "type": "object",
                            "properties": {
                                "grant_type": {"enum": ["client_credentials"]},
                                "scope": {"type": "string"},
                                "client_id": {"type": "string"},
                                "client_secret": {"type": "string"},
                            },
                            "required": ["grant_type"],
                        }}},
                    },
                    "responses": {
                        "200": _json(_ref("Token"), "The token", {"Cache-Control": {"schema": STRING}}),
                        "400": _json(_ref("OAuthError"), "invalid_request, invalid_scope or unsupported_grant_type"),
                        "401": _json(_ref("OAuthError"), "invalid_client: unknown, revoked or expired credentials"),
                        "429": LIMITED,
                    },
                }
            },
            f"{BASE}/partner/dossiers/{{code}}": {
                "get": {
                    "summary": "A dossier of the partner's province, and the statuses it may move it to",
                    "tags": ["partner"],
                    "security": partner_security("dossiers:read"),
                    "parameters": [_path("code", "The dossier code")],
                    "responses": {
                        "200": _json(_ref("PartnerDossier"), "The dossier"),
                        "401": UNAUTHORIZED, "403": FORBIDDEN,
                        "404": _json(_ref("Error"), "No such dossier in the partner's province"),
                        "429": LIMITED,
                    },
                }
            },
            f"{BASE}/partner/dossiers/{{code}}/status": {
                "post": {
                    "summary": "Push a status update (through the dossier lifecycle, which may refuse the step)",
                    "tags": ["partner"],
                    "security": partner_security("dossiers:status"),
                    "parameters": [_path("code", "The dossier code")],
                    "requestBody": {"required": True,
                                    "content": {"application/json": {"schema": _ref("StatusUpdate")}}},
                    "responses": {
                        "200": _json(_ref("PartnerDossier"), "The dossier after the update"),
                        "401": UNAUTHORIZED, "403": FORBIDDEN,
                        "404": _json(_ref("Error"), "No such dossier in the partner's province"),
                        "409": _json(_ref("Error"), "The lifecycle has no such step from the current status"),
                        "422": _json(_ref("Error"), "The body is not a valid update, or the step needs a note"),
                        "429": LIMITED,
                    },
                }
            },
        },
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "partner": {
                    "type": "oauth2",
                    "description": "Client credentials issued by an operator "
                                   "(python -m citizen_app api-clients register)",
                    "flows": {"clientCredentials": {"tokenUrl": TOKEN_PATH, "scopes": dict(SCOPE_DESCRIPTIONS)}},
                }
            },
        },
    }

