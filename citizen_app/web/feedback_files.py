"""``GET /files/feedback/{code}``: the photo sent with a feedback message, for the staff who handle it.

Anyone else gets 404, as if there were no photo; the core decides who may see it
(``core.feedback.handling.photo``) and writes refusals to the audit trail.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.feedback import handling
from citizen_app.core.feedback.errors import FeedbackError
from citizen_app.db.engine import unit_of_work
from citizen_app.web.downloads import send_download
from citizen_app.web.files import not_found, signed_in


def feedback_photo(request: Request) -> Response:
    user = signed_in(request)
    if user is None or not user.is_staff:
        return not_found(request)
    try:
        with unit_of_work() as db:
            download = handling.photo(db, request.path_params["code"], Actor.staff(user))
    except (FeedbackError, AccessDenied):
        return not_found(request)
    response = send_download(download, inline=True)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


routes: list[BaseRoute] = [Route("/files/feedback/{code}", feedback_photo)]
