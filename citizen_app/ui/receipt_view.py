"""View models of the receipt slip and its public verification: plain Python, every text in the reader's language.

The HTML page (``web/templates/receipts/receipt.html``) and the PDF download
(``core.documents.pdf``) are drawn from the same :class:`ReceiptView`, so they always say the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citizen_app.core import receipts
from citizen_app.core.catalog.labels import channel_label, time_limit_label
from citizen_app.core.documents.pdf import Row, Slip, render_slip
from citizen_app.core.fees import FeeBreakdown
from citizen_app.core.i18n import N_, NP_, Translator
from citizen_app.ui.catalog_view import FEE_AT_COUNTER, TIME_NOT_STATED, money, quantity
from citizen_app.ui.fee_view import FeeLineView, fee_lines

FILES_RECEIVED = NP_("{count} electronic file", "{count} electronic files")
NOT_RECEIVED_YET = N_("Not yet: the agency will receive it and tell you")
PROVISIONAL_APPOINTMENT = N_("Provisional: the date may change once the Government sets that year's holidays")
APPOINTMENT_TO_CONFIRM = N_("Provisional: the agency confirms the date when it receives your application")
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
    sent_at: str = ""
    # When the agency received it, or that it has not yet (never the time it was sent).
    received_at: str = ""
    appointment_at: str = ""
    collect_at: str = ""
    fee_due: str = ""
    channel: str = ""
    status: str = ""
    verification_url: str = ""
    # Counted through a year whose holidays are not decided yet (core.calendar), or with a time limit
    # the catalogue does not state: the date may move, and appointment_note says why.
    appointment_provisional: bool = False
    appointment_note: str = ""
    # The fee line by line (issue 11); empty when there is nothing to pay or it is not known.
    fee_lines: list[FeeLineView] = field(default_factory=list)
    fee_receipt_href: str = ""
    # A linked application (issue 12): one line per part (code, what, agency, due).
    parts: list[PartLine] = field(default_factory=list)


@dataclass
class PartLine:
    position: int
    code: str
    name: str
    agency: str
    due: str


def receipt_view(slip: receipts.ReceiptSlip, t: Translator) -> ReceiptView:
    documents = []
    for document in slip.documents:
        parts = [quantity(document.originals, document.copies, t)] if document.originals or document.copies else []
        if document.files:
            parts.append(t.plural(FILES_RECEIVED, document.files))
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
        processing_time=(
            t.gettext(TIME_NOT_STATED)
            if slip.processing_days is None
            else t.render(time_limit_label(slip.processing_days, slip.processing_day_unit))
        ),
        sent_at=t.format_datetime(slip.sent_at),
        received_at=t.format_datetime(slip.received_at) if slip.received_at else t.gettext(NOT_RECEIVED_YET),
        appointment_at=t.format_datetime(slip.appointment_at),
        collect_at=t.pick(slip.collect_at),
        fee_due=t.gettext(FEE_AT_COUNTER) if slip.fee_due_vnd is None else money(slip.fee_due_vnd, t),
        channel=t.render(channel_label(slip.channel)),
        status=t.gettext(slip.status_facts.label),
        verification_url=slip.verification_url,
        appointment_provisional=slip.appointment_provisional,
        appointment_note=_appointment_note(slip, t),
        fee_lines=fee_lines(FeeBreakdown.from_json(slip.fee_breakdown), t),
        parts=[
            PartLine(
                position=part.position,
                code=part.code,
                name=t.pick(part.name),
                agency=t.pick(part.agency),
                due=t.format_datetime(part.appointment_at) if part.appointment_at else "",
            )
            for part in slip.parts
        ],
    )


def _appointment_note(slip: receipts.ReceiptSlip, t: Translator) -> str:
    if not slip.appointment_provisional:
        return ""
    return t.gettext(APPOINTMENT_TO_CONFIRM if slip.processing_days is None else PROVISIONAL_APPOINTMENT)


def download_name(code: str) -> str:
    return f"giay-tiep-nhan-{_SAFE_NAME.sub('-', code)}.pdf"


def receipt_pdf(view: ReceiptView, qr_png: bytes, t: Translator) -> bytes:
    """The slip as a PDF/A file: the same fields as the page, in the same order, with its QR code."""
    _ = t.gettext
    documents = tuple(f"{d.name} ({d.detail})" if d.detail else d.name for d in view.documents)
    rows = [
        Row(_("Receiving unit"), view.receiving_unit),
        Row(_("Applicant"), view.applicant_name),
        Row(_("Address"), view.applicant_address),
        Row(_("Phone number"), view.phone),
        Row(_("Email address"), view.email),
        Row(_("Request"), f"{view.procedure} ({view.procedure_code})"),
        Row(_("Documents received"), "", documents),
        Row(_("Legal processing time"), view.processing_time),
        Row(_("Sent at"), view.sent_at),
        Row(_("Received by the agency"), view.received_at),
        Row(
            _("Appointment for the result"),
            view.appointment_at
            + (f" ({view.appointment_note})" if view.appointment_note else ""),
        ),
        Row(_("Where to collect the result"), view.collect_at),
        Row(_("Fee due"), view.fee_due),
        Row(_("Submitted through"), view.channel),
        Row(_("Status"), view.status),
    ]
    if view.parts:
        rows.append(
            Row(
                _("Parts of this application"),
                "",
                tuple(f"{p.position}. {p.name}: {p.code}, {p.agency}, {_('due')} {p.due}" for p in view.parts),
            )
        )
    return render_slip(
        Slip(
            lang=t.locale,
            title=_("Receipt of application and appointment for the result"),
            issuer=view.receiving_unit,
            motto=(_("SOCIALIST REPUBLIC OF VIET NAM"), _("Independence – Freedom – Happiness")),
            reference_label=_("Application code"),
            reference=view.code,
            rows=rows,
            qr_png=qr_png,
            qr_caption=_("Scan this code to check that the receipt is genuine and to see the status of the application."),
            qr_url=view.verification_url,
            subject=view.procedure,
            keywords=(view.code,),
        )
    )


@dataclass
class VerificationView:
    """What anyone scanning the QR sees: never a name, number or address."""

    genuine: bool
    code: str = ""
    procedure: str = ""
    receiving_unit: str = ""
    status: str = ""
    sent_at: str = ""
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
        sent_at=t.format_datetime(result.sent_at) if result.sent_at else "",
        received_at=t.format_datetime(result.received_at) if result.received_at else "",
        appointment_at=t.format_date(result.appointment_at) if result.appointment_at else "",
    )
