"""Paying a fee, server-rendered (issue 11): the citizen's pages and the providers' endpoints.

    GET  /{locale}/pay/{code}                the fee line by line, its status, how to pay; ``?result=``
                                             says how the last attempt ended
    GET  /{locale}/pay/{code}/vnpay          start (or resume) a gateway order → 303 to the gateway
    GET  /{locale}/pay/{code}/vietqr         start (or resume) a transfer order: the VietQR code to scan
    GET  /{locale}/pay/return/vnpay          the gateway sends the citizen back here (signed parameters)
    GET  /payments/vnpay/ipn                 the gateway's server-to-server notification → {"RspCode", "Message"}
    POST /payments/vietqr/webhook            the bank's notification of a transfer (HMAC-SHA256, X-Signature)
    GET  /{locale}/receipts/{code}/fee       the electronic fee receipt; under /receipts/, so the service
                                             worker keeps it on the phone like the dossier receipt

Thin: each route reads the request, calls one function of ``core/payments/service.py`` inside
``unit_of_work`` and renders what comes back.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core.dossiers import AccessDenied, DossierNotFound
from citizen_app.core.i18n import LOCALES, get_translator, other_locale
from citizen_app.core.identity.sessions import login_url
from citizen_app.core.payments import service
from citizen_app.core.payments.ledger import PaymentRefused
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.ui.payment_view import fee_receipt_view, pay_view, qr_data_uri, result_message
from citizen_app.web.files import not_found, signed_in
from citizen_app.web.templating import render

RESULTS = ("paid", "pending", "cancelled", "failed", "tampered", "unavailable")


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _sign_in(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(login_url(here), status_code=303)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "127.0.0.1"


def pay_page(request: Request) -> Response:
    locale, code = request.path_params["locale"], request.path_params["code"]
    if locale not in LOCALES:
        return not_found(request)
    user = signed_in(request)
    if user is None:
        return _sign_in(request)
    try:
        with unit_of_work() as db:
            found = service.dossier_payments(db, code, user, get_settings())
    except (DossierNotFound, AccessDenied):
        return not_found(request, locale)
    t = get_translator(locale)
    result = request.query_params.get("result", "")
    if result == "paid" and found.awaiting:
        result = "pending"  # back from the gateway before its notification arrived
    message, tone = result_message(result if result in RESULTS else "", t)
    other = other_locale(locale)
    return _private(
        render(
            "payments/pay.html", locale, view=pay_view(found, t), message=message, message_tone=tone,
            other_locale=other, other_href=f"/{other}/pay/{quote(code)}",
        )
    )


def start(request: Request) -> Response:
    locale, code, key = request.path_params["locale"], request.path_params["code"], request.path_params["provider"]
    if locale not in LOCALES:
        return not_found(request)
    user = signed_in(request)
    if user is None:
        return _sign_in(request)
    settings = get_settings()
    back = f"/{locale}/pay/{quote(code)}"
    try:
        with unit_of_work() as db:
            checkout = service.checkout(
                db, code, user, settings, key, return_url=f"{settings.public_base_url}/{locale}/pay/return/vnpay",
                ip_address=_client_ip(request), locale=locale, now=utcnow(),
            )
    except (DossierNotFound, AccessDenied):
        return not_found(request, locale)
    except (PaymentRefused, LookupError):
        return RedirectResponse(f"{back}?result=unavailable", status_code=303)
    if checkout.redirect_url:
        return RedirectResponse(checkout.redirect_url, status_code=303)
    t = get_translator(locale)
    return _private(
        render(
            "payments/vietqr.html", locale, code=code, checkout=checkout, qr=qr_data_uri(checkout.qr_payload),
            amount=t.format_money(checkout.amount_vnd), back_href=f"{back}?result=paid",
        )
    )


def gateway_return(request: Request) -> Response:
    locale = request.path_params["locale"]
    if locale not in LOCALES:
        return not_found(request)
    params = {k: v for k, v in request.query_params.items()}
    with unit_of_work() as db:
        back = service.vnpay_return(db, get_settings(), params, utcnow())
    if back.dossier_code is None:
        return not_found(request, locale)
    if not back.verified:
        result = "tampered"
    elif back.paid:
        result = "paid"
    else:
        result = "cancelled" if back.cancelled else "failed"
    return RedirectResponse(f"/{locale}/pay/{quote(back.dossier_code)}?result={result}", status_code=303)


def _ipn(params: dict[str, str]) -> dict[str, str]:
    with unit_of_work() as db:
        return service.vnpay_ipn(db, get_settings(), params, utcnow())


async def gateway_ipn(request: Request) -> Response:
    params = {k: v for k, v in request.query_params.items()}
    if request.method == "POST":
        form = await request.form()
        params.update({k: str(v) for k, v in form.items()})
    answer = await run_in_threadpool(_ipn, params)
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


def _webhook(body: bytes, signature: str) -> service.NotificationResult:
    with unit_of_work() as db:
        return service.bank_webhook(db, get_settings(), body, signature, utcnow())


async def bank_webhook(request: Request) -> Response:
    body = await request.body()
    result = await run_in_threadpool(_webhook, body[:65536], request.headers.get("x-signature", ""))
    status = 401 if result.reason == "bad_signature" else (404 if result.reason == "unknown_order" else 200)
    if result.outcome == "refused" and status == 200:
        status = 422
    return JSONResponse({"outcome": result.outcome, "reason": result.reason}, status_code=status)


def fee_receipt_page(request: Request) -> Response:
    locale, code = request.path_params["locale"], request.path_params["code"]
    if locale not in LOCALES:
        return not_found(request)
    user = signed_in(request)
    if user is None:
        return _sign_in(request)
    try:
        with unit_of_work() as db:
            receipt = service.fee_receipt(db, code, user)
    except (DossierNotFound, AccessDenied):
        return not_found(request, locale)
    t = get_translator(locale)
    other = other_locale(locale)
    return _private(
        render(
            "payments/fee_receipt.html", locale, receipt=fee_receipt_view(receipt, t), other_locale=other,
            other_href=f"/{other}/receipts/{quote(code)}/fee",
        )
    )


routes: list[BaseRoute] = [
    Route("/{locale:str}/pay/return/vnpay", gateway_return),
    Route("/{locale:str}/pay/{code:str}", pay_page),
    Route("/{locale:str}/pay/{code:str}/{provider:str}", start),
    Route("/payments/vnpay/ipn", gateway_ipn, methods=["GET", "POST"]),
    Route("/payments/vietqr/webhook", bank_webhook, methods=["POST"]),
    Route("/{locale:str}/receipts/{code:str}/fee", fee_receipt_page),
]
