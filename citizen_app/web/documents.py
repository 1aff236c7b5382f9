"""Signed results and the citizen's document store over HTTP (issue 13).

    GET  /d/{serial}                        public: is this result genuine? (the QR on every result)
    POST /d/{serial}                        public: check a file someone holds against the register
    GET  /documents/ca.crl                  public: the signing authority's revocation list
    GET  /documents/ca.crt                  public: its root certificate (to trust in a PDF reader)
    GET  /{locale}/documents                her documents (signed in)
    GET  /{locale}/documents/{id}           one of them (kept on the phone for offline use once opened)
    GET  /{locale}/documents/{id}/file      its file (``?download=1`` to save it)
    POST /{locale}/documents/{id}/share     a time-limited link
    POST /{locale}/documents/{id}/delete    delete one of her own papers
    GET  /s/{token}                         a shared document's file, while the link lasts

Pages are server-rendered like receipts, so the service worker can keep them for offline use.
Another citizen's document id is "not found", whatever the URL; the core audits the attempt.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.attachments import Download
from citizen_app.core.documents import authority, issuing
from citizen_app.core.documents import store as document_store
from citizen_app.core.dossiers import InvalidTransition
from citizen_app.core.i18n import LOCALES, get_translator, negotiate_locale, other_locale
from citizen_app.core.identity.csrf import form_token, form_token_valid
from citizen_app.core.identity.sessions import login_url
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.ui.documents_view import DEFAULT_SHARE_SECONDS, check_view, document_item, share_periods
from citizen_app.web.auth import LANG_COOKIE
from citizen_app.web.downloads import send_download
from citizen_app.web.files import not_found, signed_in
from citizen_app.web.templating import render as render_template

log = logging.getLogger(__name__)
SHARE_PURPOSE = "document-share"
DELETE_PURPOSE = "document-delete"
MAX_CHECKED_FILE = 20 * 1024 * 1024


def render(template: str, locale: str, status_code: int = 200, **context: object) -> Response:
    # Every page about signed documents says so while the app's own test authority signs them.
    sandbox = "signing" in get_settings().enabled_sandboxes
    return render_template(template, locale, status_code, signing_sandbox=sandbox, **context)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _private(response: Response) -> Response:
    # Personal data: this browser only; always asked again online (the service worker keeps a copy).
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _public_locale(request: Request) -> str:
    asked = request.query_params.get("lang")
    return asked if asked in LOCALES else negotiate_locale(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )


def _checked(serial: str, data: bytes) -> issuing.PublicDocumentStatus:
    with unit_of_work() as db:
        return issuing.check_file(db, serial, data)


def _public(serial: str) -> issuing.PublicDocumentStatus:
    with unit_of_work() as db:
        return issuing.public_status(db, serial)


async def verify_page(request: Request) -> Response:
    locale = _public_locale(request)
    serial: str = request.path_params["serial"]
    checked_file = False
    if request.method == "POST":
        async with request.form(max_files=1, max_fields=2, max_part_size=MAX_CHECKED_FILE) as form:
            upload = form.get("file")
            data = await upload.read(MAX_CHECKED_FILE + 1) if upload is not None and not isinstance(upload, str) else b""
        status = await run_in_threadpool(_checked, serial, data[:MAX_CHECKED_FILE])
        checked_file = True
    else:
        status = await run_in_threadpool(_public, serial)
    t = get_translator(locale)
    other = other_locale(locale)
    response = render(
        "documents/verify.html", locale,
        status_code=200 if status.verdict in ("genuine", "revoked") else 404,
        check=check_view(status, t), checked_file=checked_file,
        action=f"/d/{quote(serial)}?lang={locale}",
        other_locale=other, other_href=f"/d/{quote(serial)}?lang={other}", home_href=f"/{locale}/",
    )
    response.headers["Vary"] = "Cookie, Accept-Language"
    return _no_store(response)


def root_certificate(_request: Request) -> Response:
    """The roots every result chains to: what a verifier (Acrobat, pdfsig, pyHanko) is told to trust."""
    return Response(authority.roots_pem(), media_type="application/x-pem-file",
                    headers={"Cache-Control": "public, max-age=3600"})


def revocation_list(request: Request) -> Response:
    crl = authority.crl_der()
    if crl is None:
        return not_found(request)
    return Response(crl, media_type="application/pkix-crl", headers={"Cache-Control": "public, max-age=3600"})


def _signed_in_or_redirect(request: Request) -> tuple[object | None, Response | None]:
    user = signed_in(request)
    if user is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return None, RedirectResponse(login_url(here), status_code=303)
    return user, None


def _locale_or_none(request: Request) -> str | None:
    locale = request.path_params["locale"]
    return locale if locale in LOCALES else None


def list_page(request: Request) -> Response:
    locale = _locale_or_none(request)
    if locale is None:
        return not_found(request)
    user, redirect = _signed_in_or_redirect(request)
    if redirect is not None:
        return redirect
    t = get_translator(locale)
    today = (utcnow() + issuing.VIETNAM_OFFSET).date()
    with unit_of_work() as db:
        items = [document_item(d, t, today) for d in document_store.held_documents(db, user.user_id)]  # type: ignore[attr-defined]
    other = other_locale(locale)
    return _private(render(
        "documents/list.html", locale, items=items, other_locale=other, other_href=f"/{other}/documents",
        home_href=f"/{locale}/", applications_href=f"/{locale}/applications",
    ))


def document_page(request: Request, *, shared_link: str = "", expires: str = "", error: str = "") -> Response:
    locale = _locale_or_none(request)
    if locale is None:
        return not_found(request)
    user, redirect = _signed_in_or_redirect(request)
    if redirect is not None:
        return redirect
    document_id: int = request.path_params["document_id"]
    t = get_translator(locale)
    today = (utcnow() + issuing.VIETNAM_OFFSET).date()
    try:
        with unit_of_work() as db:
            item = document_item(document_store.held_document(db, user.user_id, document_id), t, today)  # type: ignore[attr-defined]
    except document_store.DocumentNotFound:
        return not_found(request, locale)
    raw = request.cookies.get(get_settings().session_cookie_name)
    other = other_locale(locale)
    base = f"/{locale}/documents/{item.id}"
    response = render(
        "documents/document.html", locale, status_code=400 if error else 200, item=item, base=base,
        share_token=form_token(raw, SHARE_PURPOSE), delete_token=form_token(raw, DELETE_PURPOSE),
        shared_link=shared_link, expires=expires, error=error, list_href=f"/{locale}/documents",
        periods=share_periods(t, document_store.share_lifetimes()), default_period=DEFAULT_SHARE_SECONDS,
        other_locale=other, other_href=f"/{other}/documents/{item.id}",
    )
    # A page made for a share link must not be kept offline in place of the plain page.
    return _no_store(response) if shared_link or error else _private(response)


def document_file(request: Request) -> Response:
    locale = _locale_or_none(request)
    if locale is None:
        return not_found(request)
    user, redirect = _signed_in_or_redirect(request)
    if redirect is not None:
        return redirect
    try:
        with unit_of_work() as db:
            found = document_store.open_document(db, user.user_id, request.path_params["document_id"])  # type: ignore[attr-defined]
    except document_store.DocumentNotFound:
        return not_found(request, locale)
    return _send(found, inline=request.query_params.get("download") != "1")


def _send(found: document_store.StoredFile, *, inline: bool) -> Response:
    response = send_download(
        Download(found.key, found.filename, found.content_type, found.size_bytes, found.sha256), inline=inline
    )
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


async def _checked_form(request: Request, purpose: str) -> dict[str, str] | None:
    raw = request.cookies.get(get_settings().session_cookie_name)
    async with request.form(max_files=0, max_fields=4, max_part_size=1024) as form:
        values = {key: value for key, value in form.items() if isinstance(value, str)}
    return values if form_token_valid(raw, values.get("csrf"), purpose) else None


async def share_document(request: Request) -> Response:
    locale = _locale_or_none(request)
    user = signed_in(request)
    if locale is None or user is None:
        return not_found(request)
    values = await _checked_form(request, SHARE_PURPOSE)
    if values is None:
        return document_page(request, error=get_translator(locale).gettext(
            "This page was open too long. Please try again."))
    try:
        seconds = int(values["seconds"]) if "seconds" in values else int(values.get("hours", "24")) * 3600
    except ValueError:
        seconds = DEFAULT_SHARE_SECONDS
    try:
        with unit_of_work() as db:
            token, expires_at = document_store.share(
                db, user.user_id, request.path_params["document_id"], now=utcnow(), seconds=seconds)
    except document_store.DocumentNotFound:
        return not_found(request, locale)
    t = get_translator(locale)
    link = f"{get_settings().public_base_url}/s/{token}"
    return document_page(request, shared_link=link, expires=t.format_datetime(expires_at))


async def delete_document(request: Request) -> Response:
    locale = _locale_or_none(request)
    user = signed_in(request)
    if locale is None or user is None:
        return not_found(request)
    values = await _checked_form(request, DELETE_PURPOSE)
    t = get_translator(locale)
    if values is None:
        return document_page(request, error=t.gettext("This page was open too long. Please try again."))
    try:
        with unit_of_work() as db:
            document_store.delete_document(db, user.user_id, request.path_params["document_id"])
    except document_store.DocumentNotFound:
        return not_found(request, locale)
    except InvalidTransition as refused:
        return document_page(request, error=t.render(refused.message))
    return RedirectResponse(f"/{locale}/documents?deleted=1", status_code=303)


def shared_file(request: Request) -> Response:
    try:
        with unit_of_work() as db:
            _held, found = document_store.open_shared(db, request.path_params["token"], now=utcnow())
    except document_store.DocumentNotFound:
        locale = _public_locale(request)
        t = get_translator(locale)
        return _no_store(render("documents/link_gone.html", locale, status_code=404, home_href=f"/{locale}/",
                                title=t.gettext("This link has expired or does not exist")))
    response = _send(found, inline=True)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


routes: list[BaseRoute] = [
    Route("/d/{serial}", verify_page, methods=["GET", "POST"]),
    Route("/documents/ca.crl", revocation_list),
    Route("/documents/ca.crt", root_certificate),
    Route("/s/{token}", shared_file),
    Route("/{locale}/documents", list_page),
    Route("/{locale}/documents/{document_id:int}", document_page),
    Route("/{locale}/documents/{document_id:int}/file", document_file),
    Route("/{locale}/documents/{document_id:int}/share", share_document, methods=["POST"]),
    Route("/{locale}/documents/{document_id:int}/delete", delete_document, methods=["POST"]),
]
