"""Dossier files over HTTP, for the applicant and staff of the receiving agency only.

    GET /files/{attachment_id}             the file (inline; ``?download=1`` to save it)
    GET /files/{attachment_id}/thumbnail   its 256 px JPEG preview (images only)

Anyone else gets 404, as if the file did not exist; the core decides who the person reads
as (``core.dossiers.readers``) and writes the refusal to the audit trail. Files live in private storage under random names (core.attachments, core.storage);
this route only streams what ``open_attachment`` allows.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.dossiers import AccessDenied, DossierNotFound, readers
from citizen_app.core.i18n import normalize_locale
from citizen_app.core.identity.sessions import AuthenticatedUser, check_cookie_header, login_url
from citizen_app.db.engine import unit_of_work
from citizen_app.web.auth import LANG_COOKIE
from citizen_app.web.downloads import send_download
from citizen_app.web.templating import render


def signed_in(request: Request) -> AuthenticatedUser | None:
    return check_cookie_header(request.headers.get("cookie")).user


def not_found(request: Request, locale: str | None = None) -> Response:
    response = render(
        "receipts/not_found.html",
        locale or normalize_locale(request.cookies.get(LANG_COOKIE)),
        status_code=404,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _send(request: Request, *, thumbnail: bool) -> Response:
    attachment_id: int = request.path_params["attachment_id"]
    user = signed_in(request)
    if user is None:
        # Someone following a link signs in and comes back; an <img> just gets nothing.
        if request.headers.get("sec-fetch-mode") == "navigate" and not thumbnail:
            return RedirectResponse(login_url(request.url.path), status_code=303)
        return not_found(request)
    try:
        with unit_of_work() as db:
            # Who reads it (the applicant, or staff of the receiving agency) is the core's decision.
            download = readers.attachment(db, attachment_id, user, thumbnail=thumbnail)
    except (AccessDenied, DossierNotFound):
        return not_found(request)
    response = send_download(download, inline=request.query_params.get("download") != "1")
    # Private to this person's browser; the type was checked by content, so never sniff another.
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def attachment_file(request: Request) -> Response:
    return _send(request, thumbnail=False)


def attachment_thumbnail(request: Request) -> Response:
    return _send(request, thumbnail=True)


routes: list[BaseRoute] = [
    Route("/files/{attachment_id:int}", attachment_file),
    Route("/files/{attachment_id:int}/thumbnail", attachment_thumbnail),
]
