"""The receipt slip and its public verification, server-rendered (no JavaScript needed to read them).

    GET /{locale}/receipts/{code}   "Giấy tiếp nhận hồ sơ và hẹn trả kết quả": the applicant or staff of
                                    the receiving agency (cookie session); ``?format=80mm`` for receipt
                                    printers, ``?download=1`` to save it as a file
    GET /v/{token}                  what the QR opens: genuine or not, and the dossier's status; anyone,
                                    no personal data; the language negotiated like ``/``

The receipt is one self-contained HTML page (inline CSS, the QR as a data URI) under
``/{locale}/receipts/``, which the service worker keeps on the phone: a citizen at the
counter with no signal can still show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from citizen_app.core import receipts
from citizen_app.core.catalog.labels import channel_label, working_days_label
from citizen_app.core.dossiers import AccessDenied, Actor, DossierNotFound, InvalidTransition
from citizen_app.core.i18n import LOCALES, N_, Msg, Translator, get_translator, negotiate_locale, other_locale
from citizen_app.core.identity.sessions import login_url
from citizen_app.db.engine import unit_of_work
from citizen_app.ui.catalog_view import money, quantity
from citizen_app.web.auth import LANG_COOKIE
from citizen_app.web.files import not_found, signed_in
from citizen_app.web.templating import render

FILES_RECEIVED = N_("{count} electronic files")
ONE_FILE_RECEIVED = N_("1 electronic file")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass
class DocumentLine:
    name: str
    detail: str


@dataclass
class ReceiptView:
    """Every field of the slip, in the reader's language."""

    code: str
    receiving_unit: str
    applicant_name: str
    applicant_address: str
    phone: str
    email: str
    procedure: str
    procedure_code: str
    documents: list[DocumentLine] = field(default_factory=list)
    processing_time: str = ""
    received_at: str = ""
    appointment_at: str = ""
    collect_at: str = ""
    fee_due: str = ""
    channel: str = ""
    status: str = ""
    verification_url: str = ""
    appointment_provisional: bool = False


def receipt_view(slip: receipts.ReceiptSlip, t: Translator) -> ReceiptView:
    documents = []
    for document in slip.documents:
        parts = [quantity(document.originals, document.copies, t)] if document.originals or document.copies else []
        if document.files:
            parts.append(
                t.render(Msg(ONE_FILE_RECEIVED) if document.files == 1 else Msg(FILES_RECEIVED, {"count": document.files}))
            )
        documents.append(DocumentLine(name=t.pick(document.name), detail=", ".join(parts)))
    return ReceiptView(
        code=slip.code,
        receiving_unit=t.pick(slip.receiving_unit),
        applicant_name=slip.applicant_name or "",
        applicant_address=slip.applicant_address or "",
        phone=slip.phone or "",
        email=slip.email or "",
        procedure=t.pick(slip.procedure_name),
        procedure_code=slip.procedure_code,
        documents=documents,
        processing_time=t.render(working_days_label(slip.processing_days)),
        received_at=t.format_datetime(slip.received_at),
        appointment_at=t.format_datetime(slip.appointment_at),
        collect_at=t.pick(slip.collect_at),
        fee_due=money(slip.fee_due_vnd, t),
        channel=t.render(channel_label(slip.channel)),
        status=t.render(slip.status_label),
        verification_url=slip.verification_url,
        appointment_provisional=slip.appointment_provisional,
    )


@dataclass
class VerificationView:
    """What anyone scanning the QR sees: never a name, number or address."""

    genuine: bool
    code: str = ""
    procedure: str = ""
    receiving_unit: str = ""
    status: str = ""
    received_at: str = ""
    appointment_at: str = ""


def verification_view(result: receipts.PublicVerification, t: Translator) -> VerificationView:
    if not result.genuine:
        return VerificationView(genuine=False)
    return VerificationView(
        genuine=True,
        code=result.code or "",
        procedure=t.pick(result.procedure_name) if result.procedure_name else "",
        receiving_unit=t.pick(result.receiving_unit) if result.receiving_unit else "",
        status=t.render(result.status_label) if result.status_label else "",
        received_at=t.format_datetime(result.received_at) if result.received_at else "",
        appointment_at=t.format_date(result.appointment_at) if result.appointment_at else "",
    )


def download_name(code: str) -> str:
    return f"giay-tiep-nhan-{_SAFE_NAME.sub('-', code)}.html"


def _actor(user: object, applicant_id: int) -> Actor:
    """The applicant reads as a citizen; anyone else with a staff role as staff (the core checks the agency)."""
    if getattr(user, "user_id", None) == applicant_id or not getattr(user, "is_staff", False):
        return Actor.citizen(user)  # type: ignore[arg-type]
    return Actor.staff(user)  # type: ignore[arg-type]


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
            dossier = receipts.find_by_code(db, code)
            slip = receipts.receipt_for(db, dossier.id, _actor(user, dossier.applicant_id))
    except (DossierNotFound, AccessDenied, InvalidTransition):
        return not_found(request, locale)
    t = get_translator(locale)
    paper = "80mm" if request.query_params.get("format") == "80mm" else "a4"
    other = other_locale(locale)
    response = render(
        "receipts/receipt.html",
        locale,
        receipt=receipt_view(slip, t),
        qr=receipts.receipt_qr_data_uri(slip.code),
        paper=paper,
        base=f"/{locale}/receipts/{quote(slip.code)}",
        other_locale=other,
        other_href=f"/{other}/receipts/{quote(slip.code)}",
        applications_href=f"/{locale}/applications",
    )
    # Personal data: this browser only; always asked again online (the service worker keeps a copy).
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    if request.query_params.get("download") == "1":
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name(slip.code)}"'
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
