"""Partner systems on ``/api/v1``: the OAuth 2 token endpoint and the dossier calls it opens.

Calls are counted per client IP before authentication (so bad credentials cannot be tried
without limit) and per partner after it.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.dossiers import (
    AccessDenied,
    ConcurrentChange,
    DossierNotFound,
    InvalidTransition,
    NoteRequired,
)
from citizen_app.core.open_data import dossier_access
from citizen_app.core.open_data.clients import ApiAuthError, Partner, authenticate
from citizen_app.core.open_data.dossier_access import PartnerDossier
from citizen_app.core.open_data.oauth import TokenRequest, issue_token
from citizen_app.core.open_data.openapi import BASE, TOKEN_PATH
from citizen_app.core.statuses import STATUSES
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.web.api.common import (
    ApiProblem,
    async_endpoint,
    both_languages,
    check_object,
    count_call,
    endpoint,
    isoformat,
    json_body,
    json_response,
)

REALM = 'Bearer realm="citizen-app partner API"'


@async_endpoint
async def token(request: Request) -> Response:
    form = await request.form()
    snapshot = TokenRequest(
        method=request.method,
        url=str(request.url),
        headers=dict(request.headers),
        form=[(key, value) for key, value in form.multi_items() if isinstance(value, str)],
    )

    def answer() -> Response:
        with unit_of_work() as db:
            result = issue_token(db, snapshot, now=utcnow())
        headers = {key: value for key, value in result.headers if key.lower() != "content-type"}
        return JSONResponse(result.body, status_code=result.status, headers=headers)

    return await run_in_threadpool(answer)


def _partner(request: Request) -> Partner:
    try:
        with unit_of_work() as db:
            partner = authenticate(db, request.headers.get("authorization"), now=utcnow())
    except ApiAuthError as refused:
        challenge = f'{REALM}, error="{refused.error}"'
        if refused.scope:
            challenge += f', scope="{refused.scope}"'
        raise ApiProblem(refused.status, refused.error, refused.description, {"WWW-Authenticate": challenge}) from None
    count_call(f"partner:{partner.client_id}")
    return partner


def _scope(partner: Partner, scope: str) -> None:
    try:
        partner.require(scope)
    except ApiAuthError as refused:
        raise ApiProblem(403, refused.error, refused.description,
                         {"WWW-Authenticate": f'{REALM}, error="{refused.error}", scope="{scope}"'}) from None


def _view(item: PartnerDossier) -> dict[str, Any]:
    def text(value: dict[str, str]) -> dict[str, str]:
        return {"vi": value.get("vi", ""), "en": value.get("en", "")}

    return {
        "code": item.code,
        "status": item.status,
        "status_label": both_languages(item.status_label),
        "procedure_code": item.procedure_code,
        "procedure_name": text(item.procedure_name),
        "agency_code": item.agency_code,
        "receiving_unit": text(item.receiving_unit),
        "channel": item.channel,
        "received_at": isoformat(item.received_at),
        "appointment_at": isoformat(item.appointment_at),
        "finished_at": isoformat(item.finished_at),
        "overdue": item.overdue,
        "next_statuses": list(item.next_statuses),
    }


NOT_FOUND = "No such dossier in your province"


@endpoint
def partner_dossier(request: Request) -> Response:
    partner = _partner(request)
    _scope(partner, "dossiers:read")
    try:
        with unit_of_work() as db:
            item = dossier_access.partner_dossier(db, partner, request.path_params["code"], now=utcnow())
    except DossierNotFound:
        raise ApiProblem(404, "not_found", NOT_FOUND) from None
    return json_response(_view(item), public=False)


def _push(request: Request, body: dict[str, Any]) -> Response:
    partner = _partner(request)
    _scope(partner, "dossiers:status")
    try:
        with unit_of_work() as db:
            item = dossier_access.push_status(
                db, partner, request.path_params["code"], body["status"], note=body.get("note"), now=utcnow()
            )
    except DossierNotFound:
        raise ApiProblem(404, "not_found", NOT_FOUND) from None
    except NoteRequired:
        raise ApiProblem(422, "note_required", "This step needs a note: the applicant will read it") from None
    except (InvalidTransition, AccessDenied, ConcurrentChange) as refused:
        # AccessDenied here means the lifecycle keeps this step for staff: a conflict with the dossier's
        # state of play, not a question of the token's scope.
        raise ApiProblem(409, "conflict", f"The lifecycle refuses this step now: {refused}") from None
    return json_response(_view(item), public=False)


@async_endpoint
async def partner_status(request: Request) -> Response:
    # Authentication comes before the body is judged: an anonymous caller learns nothing from a 422.
    await run_in_threadpool(_partner, request)
    body = check_object(
        await json_body(request),
        {
            "status": lambda v: isinstance(v, str) and v in STATUSES,
            "note": lambda v: isinstance(v, str) and len(v) <= 2000,
        },
        ("status",),
    )
    return await run_in_threadpool(_push, request, body)


routes: list[BaseRoute] = [
    Route(TOKEN_PATH, token, methods=["POST"]),
    Route(f"{BASE}/partner/dossiers/{{code}}", partner_dossier),
    Route(f"{BASE}/partner/dossiers/{{code}}/status", partner_status, methods=["POST"]),
]

__all__ = ["routes"]
