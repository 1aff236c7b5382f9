"""The officer's page of a dossier's signed result (issue 13): revoke it with a reason, issue it again,
record the postal item number. Server-rendered forms with the session's form token.

    GET  /{locale}/staff/dossiers/{code}/result
    POST /{locale}/staff/dossiers/{code}/result   action=revoke|reissue|post

Staff of the receiving agency only (the staff guard, then the core's read check, audited).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.documents import desk as result_core
from citizen_app.core.documents.issuing import ResultRefused
from citizen_app.core.dossiers import AccessDenied, DossierError, DossierNotFound
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.forms import render_message
from citizen_app.core.i18n import LOCALES, get_translator
from citizen_app.core.identity.csrf import form_token, form_token_valid
from citizen_app.core.identity.sessions import login_url
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.web.files import not_found, signed_in
from citizen_app.web.templating import render

PURPOSE = "staff-result"


def _page(request: Request, locale: str, user: object, *, notice: str = "", error: str = "") -> Response:
    code: str = request.path_params["code"]
    t = get_translator(locale)
    try:
        with unit_of_work() as db:
            view = result_core.result_desk(db, desk_actor(user), code)  # type: ignore[arg-type]
    except (AccessDenied, DossierNotFound):
        return not_found(request, locale)
    raw = request.cookies.get(get_settings().session_cookie_name)
    issued = [
        {
            "serial": e.serial, "title": t.pick(e.title), "issued_at": t.format_datetime(e.issued_at),
            "sealed": e.origin == "sealed", "revoked": e.revoked_at is not None, "reason": e.revoked_reason,
            "verify_href": f"/d/{e.serial}?lang={locale}",
        }
        for e in view.issued
    ]
    response = render(
        "staff/result.html", locale, status_code=400 if error else 200, view=view, issued=issued,
        token=form_token(raw, PURPOSE), notice=notice, error=error,
        back_href=f"/{locale}/staff/dossiers/{view.code}", action=f"/{locale}/staff/dossiers/{view.code}/result",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def result_page(request: Request) -> Response:
    locale = request.path_params["locale"]
    if locale not in LOCALES:
        return not_found(request)
    user = signed_in(request)
    if user is None:
        return RedirectResponse(login_url(request.url.path), status_code=303)
    if request.method != "POST":
        return await run_in_threadpool(_page, request, locale, user)
    raw = request.cookies.get(get_settings().session_cookie_name)
    async with request.form(max_files=0, max_fields=6, max_part_size=2048) as form:
        values = {key: value for key, value in form.items() if isinstance(value, str)}
    t = get_translator(locale)
    if not form_token_valid(raw, values.get("csrf"), PURPOSE):
        return await run_in_threadpool(_page, request, locale, user,
                                       error=t.gettext("This page was open too long. Please try again."))
    return await run_in_threadpool(_act, request, locale, user, values)


def _act(request: Request, locale: str, user: object, values: dict[str, str]) -> Response:
    t = get_translator(locale)
    code: str = request.path_params["code"]
    action = values.get("action", "")
    try:
        actor = desk_actor(user)  # type: ignore[arg-type]
        with unit_of_work() as db:
            if action == "revoke":
                result_core.revoke_result(db, actor, code, values.get("serial", ""), values.get("reason", ""),
                                          now=utcnow())
                notice = t.gettext("The result is revoked. Anyone checking it now sees your reason.")
            elif action == "reissue":
                result_core.reissue_result(db, actor, code, now=utcnow())
                notice = t.gettext("A new signed result has been issued to the applicant.")
            elif action == "post":
                number = result_core.record_post(db, actor, code, values.get("tracking", ""), now=utcnow())
                notice = t.gettext("Postal item number {number} recorded. The applicant can see it.").format(
                    number=number)
            else:
                return not_found(request, locale)
    except (AccessDenied, DossierNotFound):
        return not_found(request, locale)
    except ResultRefused as refused:
        return _page(request, locale, user, error=t.render(refused.message))
    except DossierError as refused:
        problems = getattr(refused, "errors", None)
        text = " ".join(render_message(t, m) for m in problems.values()) if problems else t.render(refused.message)
        return _page(request, locale, user, error=text)
    return _page(request, locale, user, notice=notice)


routes: list[BaseRoute] = [
    Route("/{locale}/staff/dossiers/{code}/result", result_page, methods=["GET", "POST"]),
]
