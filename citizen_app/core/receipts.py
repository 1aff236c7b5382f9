"""The receipt slip ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), its signed QR link, and public verification.

* :func:`receipt_for` gives every field of the slip as a typed object; the page
  renders it in either language (texts are ``{vi, en}``, times aware UTC).
* The QR code encodes ``{public_base_url}/v/{token}``. The token is the dossier
  code and an HMAC-SHA256 tag over it (128 bits, truncated as RFC 2104 allows),
  both base64url: ``<code>.<tag>``, about 57 characters. The key is
  ``Settings.receipt_signing_key`` or, when that is empty, 32 random bytes made
  once in ``Settings.keys_dir`` (mode 600) and shared by every worker process.
* :func:`verify_receipt` answers the public page: genuine or not, and for a
  genuine receipt only the code, procedure, receiving unit, status and dates.
  Never a name, number or address.
"""

from __future__ import annotations

import base64
import dataclasses
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import qrcode
import qrcode.constants
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import admin_units
from citizen_app.core.codes import normalize_code_input
from citizen_app.core.dossiers import chain
from citizen_app.core.dossiers.access import Actor, require_read
from citizen_app.core.dossiers.errors import DossierNotFound, InvalidTransition
from citizen_app.core.dossiers.lifecycle import load
from citizen_app.core.dossiers.milestones import milestones
from citizen_app.core.dossiers.results import delivery_choice
from citizen_app.core.i18n import Msg

# Signing lives in core.receipt_tokens (below the dossiers package); sign_code stays importable here.
from citizen_app.core.receipt_tokens import sign_code as sign_code
from citizen_app.core.receipt_tokens import verification_url, verify_token
from citizen_app.core.statuses import StatusFacts, facts, status_label
from citizen_app.db.models.dossiers import Dossier
from citizen_app.settings import Settings


@dataclass(frozen=True)
class ReceiptDocument:
    name: Mapping[str, str]
    originals: int
    copies: int
    files: int  # electronic files attached online


@dataclass(frozen=True)
class ReceiptSlip:
    code: str
    receiving_unit: Mapping[str, str]
    applicant_name: str | None
    applicant_address: str | None
    phone: str | None
    email: str | None
    procedure_code: str
    procedure_name: Mapping[str, str]
    documents: tuple[ReceiptDocument, ...]
    # None when the catalogue does not state the time limit (the appointment is then provisional).
    processing_days: int | None
    # When it was sent (the appointment counts from it), and when the agency received it (None until then).
    sent_at: datetime
    received_at: datetime | None
    appointment_at: datetime
    collect_at: Mapping[str, str]
    # None when the catalogue does not know the fee: the agency says, and it is paid at the counter.
    fee_due_vnd: int | None
    channel: str
    status: str
    status_label: Msg
    verification_url: str
    # Counted through a year whose holidays are not decided yet (core.calendar): the date may move.
    appointment_provisional: bool = False
    processing_day_unit: str = "working"
    # The fee line by line as computed at submission (core/fees, issue 11); None when not known.
    fee_breakdown: Mapping[str, Any] | None = None
    # A linked application (issue 12): every part with its own code, agency and due date.
    parts: tuple[ReceiptPart, ...] = ()

    @property
    def status_facts(self) -> StatusFacts:
        return facts(self.status)


@dataclass(frozen=True)
class ReceiptPart:
    position: int
    code: str
    name: Mapping[str, str]
    agency: Mapping[str, str]
    appointment_at: datetime | None


@dataclass(frozen=True)
class PublicVerification:
    """What anyone scanning the QR may learn. No personal data by construction."""

    genuine: bool
    code: str | None = None
    procedure_name: Mapping[str, str] | None = None
    receiving_unit: Mapping[str, str] | None = None
    status: str | None = None
    status_label: Msg | None = None
    sent_at: datetime | None = None
    received_at: datetime | None = None
    appointment_at: datetime | None = None


# --- QR ---------------------------------------------------------------------------------------------


def qr_png(data: str, *, box_size: int = 8, border: int = 4) -> bytes:
    """A QR code image (PNG). Medium error correction survives a crease or a smudge on paper."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_data_uri(data: str, **options: int) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(data, **options)).decode()


def receipt_qr_png(code: str, settings: Settings | None = None) -> bytes:
    return qr_png(verification_url(code, settings))


def receipt_qr_data_uri(code: str, settings: Settings | None = None) -> str:
    return qr_data_uri(verification_url(code, settings))


# --- the slip ---------------------------------------------------------------------------------------


def _by_post(dossier: Dossier) -> dict[str, str] | None:
    """"By post to …" when the citizen chose delivery by post and gave the address (issue 12)."""
    answers = dossier.answers or {}
    address = answers.get("postal_address")
    if delivery_choice(answers) != "post" or not isinstance(address, Mapping):
        return None
    parts = [
        str(address.get("street") or "").strip(),
        admin_units.commune_name(str(address.get("commune_code") or "")) or "",
        admin_units.province_name(str(address.get("province_code") or "")) or "",
    ]
    where = ", ".join(part for part in parts if part)
    return {"vi": f"Gửi qua bưu chính đến: {where}", "en": f"By post to: {where}"}


def _collect_at(dossier: Dossier) -> dict[str, str]:
    post = _by_post(dossier)
    if post is not None:
        return post
    unit = dossier.receiving_unit or {}
    counter_vi = f"Bộ phận Tiếp nhận và Trả kết quả, {unit.get('vi', '')}".rstrip(", ")
    counter_en = f"Reception and results desk, {unit.get('en', '')}".rstrip(", ")
    if dossier.channel == "online":
        return {
            "vi": f"{counter_vi}; hoặc nhận bản điện tử trên ứng dụng khi có kết quả",
            "en": f"{counter_en}; or the electronic copy in this app when the result is ready",
        }
    return {"vi": counter_vi, "en": counter_en}


def slip_from_dossier(
    dossier: Dossier, settings: Settings | None = None, *, received_at: datetime | None = None
) -> ReceiptSlip:
    """The slip of a submitted dossier (no access check: use :func:`receipt_for` from pages);
    ``received_at`` is when the agency received it, if it has."""
    if dossier.code is None or dossier.received_at is None or dossier.appointment_at is None:
        raise InvalidTransition(detail=f"dossier {dossier.id} has not been submitted")
    applicant = dossier.applicant or {}
    documents = tuple(
        ReceiptDocument(
            name=item.get("name", {}),
            originals=int(item.get("originals", 0)),
            copies=int(item.get("copies", 0)),
            files=int(item.get("files", 0)),
        )
        for item in dossier.documents or []
    )
    return ReceiptSlip(
        code=dossier.code,
        receiving_unit=dict(dossier.receiving_unit or {}),
        applicant_name=applicant.get("full_name"),
        applicant_address=applicant.get("address"),
        phone=applicant.get("phone"),
        email=applicant.get("email"),
        procedure_code=dossier.procedure_code,
        procedure_name=dict(dossier.procedure_name or {}),
        documents=documents,
        processing_days=dossier.processing_days,
        sent_at=dossier.received_at,
        received_at=received_at,
        appointment_at=dossier.appointment_at,
        collect_at=_collect_at(dossier),
        fee_due_vnd=dossier.fee_due_vnd,
        channel=dossier.channel,
        status=dossier.status,
        status_label=status_label(dossier.status),
        verification_url=verification_url(dossier.code, settings),
        appointment_provisional=bool(dossier.appointment_provisional),
        processing_day_unit=dossier.processing_day_unit or "working",
        fee_breakdown=dossier.fee_breakdown,
    )


def receipt_for(db: Session, dossier_id: int, actor: Actor, settings: Settings | None = None) -> ReceiptSlip:
    """The slip for the applicant or staff of the receiving agency (others refused and audited)."""
    dossier = load(db, dossier_id)
    # The officer who took it in at the desk prints its slip, even once it has gone on to the competent unit.
    registrar = actor.is_staff and actor.user_id is not None and dossier.registrar_id == actor.user_id
    if not registrar:
        require_read(db, actor, dossier, action="receipt.read")
    received_at = milestones(db, dossier.id, dossier.received_at).received_at
    slip = slip_from_dossier(dossier, settings, received_at=received_at)
    umbrella = chain.umbrella_of(db, dossier)
    if umbrella is not None and umbrella.id == dossier.id:
        parts = tuple(
            ReceiptPart(p.position, p.code, p.name, p.agency, p.appointment_at)
            for p in chain.umbrella_view(db, umbrella).parts
        )
        slip = dataclasses.replace(slip, parts=parts)
    return slip


def find_by_code(db: Session, code: str) -> Dossier:
    dossier = db.scalar(select(Dossier).where(Dossier.code == normalize_code_input(code)))
    if dossier is None:
        raise DossierNotFound(detail=f"no dossier {code}")
    return dossier


def verify_receipt(db: Session, token: str, settings: Settings | None = None) -> PublicVerification:
    """The public page behind the QR: genuine (signature good *and* the dossier exists) and its status."""
    code = verify_token(token, settings)
    if code is None:
        return PublicVerification(genuine=False)
    dossier = db.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or dossier.status == "draft":
        return PublicVerification(genuine=False)
    return PublicVerification(
        genuine=True,
        code=dossier.code,
        procedure_name=dict(dossier.procedure_name or {}),
        receiving_unit=dict(dossier.receiving_unit or {}),
        status=dossier.status,
        status_label=status_label(dossier.status),
        sent_at=dossier.received_at,
        received_at=milestones(db, dossier.id, dossier.received_at).received_at,
        appointment_at=dossier.appointment_at,
    )
