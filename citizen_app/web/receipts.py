"""The receipt slip and its public verification, server-rendered (no JavaScript needed to read them).

    GET /{locale}/receipts/{code}   "Giấy tiếp nhận hồ sơ và hẹn trả kết quả": the applicant or staff of
                                    the receiving agency (cookie session); ``?format=80mm`` for receipt
                                    printers, ``?download=1`` to save it as a PDF/A file
    GET /v/{token}                  what the QR opens: genuine or not, and the dossier's status; anyone,
                                    no personal data; the language negotiated like ``/``

The receipt is one self-contained HTML page (inline CSS, the QR as a data URI) under
``/{locale}/receipts/``, which the service worker keeps on the phone: a citizen at the
counter with no signal can still show it.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core import receipts
from citizen_app.core.documents.pdf import MEDIA_TYPE as PDF
from citizen_app.core.dossiers import AccessDenied, DossierNotFound, InvalidTransition, readers
from citizen_app.core.i18n import LOCALES, get_translator, negotiate_locale, other_locale
from citizen_app.core.identity.sessions import login_url
from citizen_app.db.engine import unit_of_work
from citizen_app.ui.receipt_view import download_name, receipt_pdf, receipt_view, verification_view
from citizen_app.web.auth import LANG_COOKIE
from citizen_app.web.files import not_found, signed_in
from citizen_app.web.templating import render


def receipt_page(request: Request) -> Response:
    locale = request.path_params["locale"]
    if locale not in LOCALES:
        return not_found(request)
    code: str = request.path_params["code"]
    user = signed_in(request)
    if user is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(login_url(here), status_code=303)
    try:
        with unit_of_work() as db:
            slip = readers.receipt(db, code, user)
    except (DossierNotFound, AccessDenied, InvalidTransition):
        return not_found(request, locale)
    t = get_translator(locale)
    view = receipt_view(slip, t)
    if slip.fee_due_vnd:
        view.fee_receipt_href = f"/{locale}/pay/{quote(slip.code)}"  # issue 11: pay, or the fee receipt
    if request.query_params.get("download") == "1":
        document = receipt_pdf(view, receipts.receipt_qr_png(slip.code), t)
        response = Response(document, media_type=PDF)
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name(slip.code)}"'
        return _private(response)
    paper = "80mm" if request.query_params.get("format") == "80mm" else "a4"
    other = other_locale(locale)
    response = render(
        "receipts/receipt.html",
        locale,
        receipt=view,
        qr=receipts.receipt_qr_data_uri(slip.code),
        paper=paper,
        base=f"/{locale}/receipts/{quote(slip.code)}",
        other_locale=other,
        other_href=f"/{other}/receipts/{quote(slip.code)}",
        applications_href=f"/{locale}/applications",
    )
    return _private(response)


def _private(response: Response) -> Response:
    # Personal data: this browser only; always asked again online (the service worker keeps a copy).
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def verify_page(request: Request) -> Response:
    asked = request.query_params.get("lang")
    locale = asked if asked in LOCALES else negotiate_locale(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )
    token: str = request.path_params["token"]
    with unit_of_work() as db:
        result = receipts.verify_receipt(db, token)
    t = get_translator(locale)
    other = other_locale(locale)
    response = render(
        "receipts/verify.html",
        locale,
        status_code=200 if result.genuine else 404,
        check=verification_view(result, t),
        other_locale=other,
        other_href=f"/v/{quote(token, safe='.')}?lang={other}",
        home_href=f"/{locale}/",
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, Accept-Language"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


routes: list[BaseRoute] = [
    Route("/{locale}/receipts/{code}", receipt_page),
    Route("/v/{token}", verify_page),
]
