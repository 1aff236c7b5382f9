"""The sandbox registries as a Starlette app, mounted at ``/sandbox/registries`` (``SANDBOX_REGISTRIES``).

    GET /sandbox/registries/api/population/people/{id}        the population & residence registry
    GET /sandbox/registries/api/civil-status/marriages/{id}   the civil-status registry
    GET /sandbox/registries/api/social-insurance/people/{id}  the social-insurance registry
    GET /sandbox/registries/?lang=en                          what they hold, under a red SANDBOX banner

Every API call wants ``Authorization: Bearer <REGISTRY_API_KEY>``; 404 when there is no record.
``?slow=<seconds>`` on a call delays the answer (to watch a form give up on a slow registry).
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from html import escape
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from citizen_app.core.i18n import get_translator, normalize_locale
from citizen_app.registry_sandbox import records

Table = Callable[[], dict[str, dict[str, Any]]]
TABLES: dict[str, Table] = {
    "population/people": records.population,
    "civil-status/marriages": records.marriages,
    "social-insurance/people": records.insurance,
}


def create_registry_sandbox_app(api_key: str) -> Starlette:
    def authorised(request: Request) -> bool:
        supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(supplied.encode(), api_key.encode())

    def lookup(table: Table) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            if not authorised(request):
                return JSONResponse({"error": "unauthorised"}, status_code=401)
            slow = request.query_params.get("slow")
            if slow:
                await asyncio.sleep(min(float(slow), 10.0))
            found = table().get(request.path_params["person"])
            if found is None:
                return JSONResponse({"error": "no record"}, status_code=404)
            return JSONResponse(found)

        return endpoint

    async def index(request: Request) -> Response:
        t = get_translator(normalize_locale(request.query_params.get("lang")))
        _ = t.gettext
        rows = "".join(
            f"<tr><td>{escape(pid)}</td><td>{escape(str(person.get('full_name')))}</td>"
            f"<td>{escape(str(person.get('date_of_birth')))}</td></tr>"
            for pid, person in records.population().items()
        )
        body = (
            f'<!doctype html><html lang="{t.locale}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(_('Sandbox registries'))}</title></head><body>"
            '<div role="alert" data-testid="sandbox-banner" style="background:#b00020;color:#fff;padding:8px;'
            f'font-weight:bold">{escape(_("SANDBOX: made-up registry records, not real people"))}</div>'
            f"<h1>{escape(_('Sandbox registries'))}</h1>"
            f"<table><tr><th>{escape(_('Personal identification number'))}</th><th>{escape(_('Full name'))}</th>"
            f"<th>{escape(_('Date of birth'))}</th></tr>{rows}</table></body></html>"
        )
        return HTMLResponse(body)

    routes = [Route("/", index)]
    for path, table in TABLES.items():
        routes.append(Route(f"/api/{path}/{{person}}", lookup(table)))
    return Starlette(routes=routes)
