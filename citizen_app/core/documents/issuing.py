"""Results issued as signed documents, the agencies' register of them, and revoking one (issue 13).

* :func:`issue_result` makes the result of an approved dossier whose procedure issues a certificate
  or an extract (:data:`CERTIFICATES`): a bilingual PDF/A from the dossier's data, with a QR to the
  public verification page, signed by the agency (:mod:`~citizen_app.core.documents.signing`). It is
  kept three ways in one transaction: the dossier's result file, a row of the register
  (:class:`IssuedDocument`, what the QR page reads) and an entry of the applicant's store.
* :func:`seal_upload` signs a result an officer uploads for any other procedure (an image is first put
  on a PDF page), so every result verifies the same way.
* :func:`public_status` is what anyone scanning the QR learns: genuine or not, the kind, the issuer,
  the date, and whether it was revoked and why. Never a name or a number of the holder.

This module sits below the dossiers package (the lifecycle calls :func:`issue_on_approval`), so it
imports neither that package nor ``core.attachments``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import qrcode
import qrcode.constants
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.attachment_store import remember_written
from citizen_app.core.documents.authority import agency_key, revocation_of, revoke_agency_certificate
from citizen_app.core.documents.kinds import kind_for_slot, kind_of
from citizen_app.core.documents.pdf import COMPLIANCE, Row, Slip, font_files, render_slip
from citizen_app.core.documents.signing import check, seal
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.storage import get_storage, key_for
from citizen_app.db.models.documents import CitizenDocument, IssuedDocument
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.settings import Settings, get_settings

VIETNAM_OFFSET = timedelta(hours=7)
ISSUABLE = ("approved", "result_ready", "returned")
RESULT_SLOT = "result"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / SOCIALIST REPUBLIC OF VIET NAM",
         "Độc lập - Tự do - Hạnh phúc / Independence - Freedom - Happiness")

MSG_NOT_APPROVED = N_("A result can be issued only for an approved application.")
MSG_REVOKE_REASON = N_("Say why the result is revoked.")
MSG_ALREADY_REVOKED = N_("This result was already revoked.")


class ResultRefused(Exception):
    """The result cannot be issued or revoked; ``message`` says why to the person."""

    def __init__(self, message: Msg, detail: str = "") -> None:
        super().__init__(detail or message.msgid)
        self.message = message


@dataclass(frozen=True)
class Certificate:
    """How a procedure's result reads: its kind, and the answers printed on it (field, bilingual label)."""

    kind: str
    rows: tuple[tuple[str, str], ...]


_NAME = ("full_name", "Họ và tên / Full name")
CERTIFICATES: Mapping[str, Certificate] = {
    # Birth registration, and birth registration with recognition of a parent.
    **{
        code: Certificate("birth_certificate", (
            ("child_full_name", "Họ, chữ đệm, tên / Full name"),
            ("child_sex", "Giới tính / Sex"),
            ("child_birth_date", "Ngày sinh / Date of birth"),
            ("place_of_birth", "Nơi sinh / Place of birth"),
            ("ethnicity", "Dân tộc / Ethnicity"),
            ("home_town", "Quê quán / Home town"),
            ("mother_full_name", "Họ tên người mẹ / Mother"),
            ("father_full_name", "Họ tên người cha / Father"),
        ))
        for code in ("1.001193", "1.000689")
    },
    "1.000894": Certificate("marriage_certificate", (
        ("husband_full_name", "Họ tên chồng / Husband"), ("wife_full_name", "Họ tên vợ / Wife"), _NAME,
    )),
    "1.000656": Certificate("death_extract", (
        ("deceased_full_name", "Họ tên người đã mất / Deceased"), ("death_date", "Ngày mất / Date of death"),
        ("place_of_death", "Nơi mất / Place of death"),
    )),
    "1.004873": Certificate("marital_status_certificate", (_NAME,)),
    "1.001022": Certificate("parentage_extract", (_NAME,)),
    "1.004837": Certificate("guardianship_extract", (_NAME,)),
    "2.000635": Certificate("civil_status_copy", (_NAME,)),
    "2.000815": Certificate("certified_copy", (_NAME,)),
    "3.000333": Certificate("criminal_record_extract", (_NAME,)),
}
_CODED = {"male": "Nam / Male", "female": "Nữ / Female"}


def certificate_of(procedure_code: str) -> Certificate | None:
    return CERTIFICATES.get(procedure_code)


# --- the PDF -------------------------------------------------------------------------------------------

# Every letter a Vietnamese or English certificate may need: the fonts are cut down to these once per
# process, which makes each document several times faster to write than with the full font files.
_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵfjwz"
_CHARSET = (
    "".join(chr(c) for c in range(32, 127)) + "".join(chr(c) for c in range(0xA0, 0x180))
    + _VIETNAMESE + _VIETNAMESE.upper() + "–—‘’“”…•·°№€₫"
)


@cache
def certificate_fonts() -> tuple[Path, Path]:
    """(regular, bold) Be Vietnam Pro cut to :data:`_CHARSET`, written once to the temporary folder."""
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    paths = []
    digest = hashlib.sha256(f"{_CHARSET}|nohint".encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"citizen-app-fonts-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    for source in font_files():
        target = folder / f"{source.stem}-{digest}.ttf"
        if not target.exists():
            # No hinting and no OpenType layout tables: fpdf2 lays text out itself and PDF viewers do
            # not hint; both make each document's own subset (fpdf2 cuts one per document) faster.
            options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, name_IDs=["*"],
                                       hinting=False, layout_features=[])
            options.drop_tables += ["GPOS", "GSUB", "GDEF", "kern", "hdmx", "FFTM", "meta", "DSIG"]
            font = TTFont(str(source))
            subsetter = ftsubset.Subsetter(options)
            subsetter.populate(text=_CHARSET)
            subsetter.subset(font)
            temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
            font.save(str(temporary))
            os.replace(temporary, target)
        paths.append(target)
    return paths[0], paths[1]


def qr_png(data: str) -> bytes:
    # A fixed mask pattern skips trying all eight (most of the time qrcode spends); any mask reads.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2, mask_pattern=2)
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def verification_url(serial: str, settings: Settings | None = None) -> str:
    return f"{(settings or get_settings()).public_base_url}/d/{serial}"


def new_serial() -> str:
    """16 random base32 letters in groups of four (80 bits): read aloud, typed, never guessed."""
    text = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def _value(value: Any) -> str:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, str):
        return _CODED.get(value, value)
    return "" if value is None else str(value)


def local_date(moment: datetime) -> date:
    return (moment + VIETNAM_OFFSET).date()


def render_certificate(dossier: Dossier, certificate: Certificate, serial: str, issued_at: datetime,
                       settings: Settings | None = None) -> bytes:
    """The bilingual certificate of ``dossier`` (PDF/A-2b), before signing."""
    kind = kind_of(certificate.kind)
    answers = dict(dossier.answers or {})
    applicant = dict(dossier.applicant or {})
    rows: list[Row] = []
    for field, label in certificate.rows:
        value = answers.get(field) if field != "full_name" else (answers.get(field) or applicant.get("full_name"))
        if value not in (None, ""):
            rows.append(Row(label, _value(value)))
    unit = dict(dossier.receiving_unit or {})
    rows += [
        Row("Mã hồ sơ / Application code", dossier.code or ""),
        Row("Ngày cấp / Issued on", local_date(issued_at).strftime("%d/%m/%Y")),
        Row("Cơ quan cấp / Issued by", " / ".join(v for v in (unit.get("vi"), unit.get("en")) if v)),
    ]
    url = verification_url(serial, settings)
    slip = Slip(
        lang="vi",
        title=f"{kind.name['vi']} / {kind.name['en']}",
        issuer=unit.get("vi") or dossier.agency_code or "",
        motto=MOTTO,
        reference_label="Số / No.",
        reference=serial,
        rows=tuple(rows),
        qr_png=qr_png(url),
        qr_caption="Quét mã để kiểm tra bản điện tử có chữ ký số của cơ quan. / "
                   "Scan to check this signed electronic document.",
        qr_url=url,
        author=unit.get("vi") or "",
        subject=kind.name["en"],
        created_at=issued_at,
        keywords=(certificate.kind, COMPLIANCE),
    )
    return render_slip(slip, fonts=certificate_fonts(), whole_fonts=True)


def image_as_pdf(data: bytes, title: str) -> bytes:
    """An uploaded image result on an A4 page, so it can carry the agency's signature."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.add_page()
    pdf.image(io.BytesIO(data), x=10, y=10, w=pdf.w - 20, keep_aspect_ratio=True, h=pdf.h - 20)
    return bytes(pdf.output())


# --- issuing ---------------------------------------------------------------------------------------------


def _agency_name(dossier: Dossier) -> str:
    unit = dict(dossier.receiving_unit or {})
    return unit.get("vi") or unit.get("en") or dossier.agency_code or ""


def _store_bytes(db: Session, data: bytes, settings: Settings) -> str:
    stored_name = secrets.token_hex(16)
    remember_written(db, [key_for(stored_name)])
    get_storage(settings).put(key_for(stored_name), data)
    return stored_name


def _register(db: Session, dossier: Dossier, *, kind: str, origin: str, serial: str, signed: bytes,
              issued_at: datetime, settings: Settings) -> IssuedDocument:
    keys = agency_key(dossier.agency_code or "", _agency_name(dossier), settings)
    entry = IssuedDocument(
        serial=serial,
        dossier_id=dossier.id,
        kind=kind,
        title=dict(kind_of(kind).name),
        issuer=dict(dossier.receiving_unit or {}),
        agency_code=dossier.agency_code or "",
        origin=origin,
        issued_at=issued_at,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer_serial=str(keys.certificate.serial_number),
    )
    db.add(entry)
    db.flush()
    return entry


def keep_in_store(db: Session, owner_id: int, data: bytes, *, kind: str, origin: str, name: str,
                  content_type: str, issuer: Mapping[str, str], issued_on: date, dossier: Dossier | None,
                  issued_document_id: int | None = None, source_attachment_id: int | None = None,
                  settings: Settings | None = None) -> CitizenDocument:
    """One entry of ``owner_id``'s store, with its own copy of the bytes."""
    settings = settings or get_settings()
    months = kind_of(kind).valid_months
    entry = CitizenDocument(
        owner_id=owner_id,
        kind=kind,
        title=dict(kind_of(kind).name),
        issuer=dict(issuer),
        issued_on=issued_on,
        valid_until=issued_on + timedelta(days=round(months * 30.44)) if months else None,
        origin=origin,
        issued_document_id=issued_document_id,
        dossier_id=dossier.id if dossier is not None else None,
        dossier_code=dossier.code if dossier is not None else None,
        source_attachment_id=source_attachment_id,
        stored_name=_store_bytes(db, data, settings),
        original_name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    db.add(entry)
    db.flush()
    return entry


def current_issue(db: Session, dossier_id: int) -> IssuedDocument | None:
    """The dossier's result on the register that is not revoked, if any."""
    return db.scalar(
        select(IssuedDocument)
        .where(IssuedDocument.dossier_id == dossier_id, IssuedDocument.revoked_at.is_(None))
        .order_by(IssuedDocument.id.desc())
        .limit(1)
    )


def issue_result(db: Session, dossier: Dossier, *, actor_id: int | None, actor_role: str, now: datetime,
                 settings: Settings | None = None) -> IssuedDocument:
    """Generate, sign and keep the certificate of an approved dossier (again after a revocation).

    Refused (:class:`ResultRefused`) for a dossier that is not approved, and for a procedure whose
    result is not a certificate (its result is uploaded and sealed, :func:`seal_upload`).
    """
    settings = settings or get_settings()
    if dossier.status not in ISSUABLE or not dossier.code:
        raise ResultRefused(Msg(MSG_NOT_APPROVED), detail=f"dossier {dossier.id} is {dossier.status}")
    certificate = certificate_of(dossier.procedure_code)
    if certificate is None:
        raise ResultRefused(Msg(MSG_NOT_APPROVED), detail=f"{dossier.procedure_code} issues no certificate")
    existing = current_issue(db, dossier.id)
    if existing is not None:
        return existing
    serial = new_serial()
    pdf = render_certificate(dossier, certificate, serial, now, settings)
    signed = seal(pdf, dossier.agency_code or "", _agency_name(dossier), reason="Cấp kết quả / Result issued",
                  location=_agency_name(dossier), settings=settings)
    entry = _register(db, dossier, kind=certificate.kind, origin="generated", serial=serial, signed=signed,
                      issued_at=now, settings=settings)
    name = f"{certificate.kind.replace('_', '-')}-{dossier.code}.pdf"
    db.add(DossierAttachment(
        dossier_id=dossier.id, slot_id=RESULT_SLOT, stage="result", original_name=name,
        stored_name=_store_bytes(db, signed, settings), content_type="application/pdf", size_bytes=len(signed),
        sha256=entry.sha256, uploaded_by=actor_id, uploaded_at=now,
    ))
    keep_in_store(
        db, dossier.applicant_id, signed, kind=certificate.kind, origin="issued", name=name,
        content_type="application/pdf", issuer=entry.issuer, issued_on=local_date(now), dossier=dossier,
        issued_document_id=entry.id, settings=settings,
    )
    audit.record(db, action="result.issue", target_type="dossier", target_id=str(dossier.id),
                 actor_id=str(actor_id) if actor_id is not None else None, actor_role=actor_role,
                 details={"serial": serial, "kind": certificate.kind, "sha256": entry.sha256})
    return entry


def seal_upload(db: Session, dossier: Dossier, data: bytes, content_type: str, *, now: datetime,
                settings: Settings | None = None) -> tuple[bytes, IssuedDocument]:
    """An officer's uploaded result, signed by the agency and put on the register: (signed PDF, entry)."""
    settings = settings or get_settings()
    if content_type != "application/pdf":
        data = image_as_pdf(data, dossier.code or "")
    serial = new_serial()
    signed = seal(data, dossier.agency_code or "", _agency_name(dossier), reason=f"Số / No. {serial}",
                  location=_agency_name(dossier), settings=settings)
    kind = "result_document"
    entry = _register(db, dossier, kind=kind, origin="sealed", serial=serial, signed=signed, issued_at=now,
                      settings=settings)
    return signed, entry


def store_sealed_result(db: Session, dossier: Dossier, signed: bytes, entry: IssuedDocument, name: str,
                        attachment_id: int, *, now: datetime, settings: Settings | None = None) -> None:
    """The sealed upload also goes into the applicant's store (issued results all do)."""
    keep_in_store(db, dossier.applicant_id, signed, kind=entry.kind, origin="issued", name=name,
                  content_type="application/pdf", issuer=entry.issuer, issued_on=local_date(now), dossier=dossier,
                  issued_document_id=entry.id, source_attachment_id=attachment_id, settings=settings)


def keep_accepted_attachments(db: Session, dossier: Dossier, *, now: datetime,
                              settings: Settings | None = None) -> int:
    """The applicant's own files of an approved dossier go to her store (once); how many were added."""
    settings = settings or get_settings()
    files = db.scalars(
        select(DossierAttachment).where(
            DossierAttachment.dossier_id == dossier.id, DossierAttachment.stage.in_(("draft", "supplement"))
        ).order_by(DossierAttachment.id)
    ).all()
    kept = set(db.scalars(
        select(CitizenDocument.source_attachment_id).where(CitizenDocument.dossier_id == dossier.id)
    ))
    storage = get_storage(settings)
    added = 0
    for item in files:
        if item.id in kept or item.from_store:
            continue  # already there, or it came from the store in the first place
        data = storage.read(key_for(item.stored_name))
        keep_in_store(db, dossier.applicant_id, data, kind=kind_for_slot(item.slot_id), origin="accepted",
                      name=item.original_name, content_type=item.content_type, issuer={},
                      issued_on=local_date(item.uploaded_at or now), dossier=dossier,
                      source_attachment_id=item.id, settings=settings)
        added += 1
    return added


def signature_verdict(entry: CitizenDocument, data: bytes, db: Session, settings: Settings | None = None) -> str:
    """``genuine`` (signed, unchanged, on the register, not revoked), the reason it is not, or ``unsigned``."""
    if entry.content_type != "application/pdf" or not entry.issued_document_id:
        return "unsigned"
    register = db.get(IssuedDocument, entry.issued_document_id)
    if register is None:
        return "unknown"
    verdict = check(data, settings).verdict
    if verdict != "genuine":
        return verdict
    return public_status(db, register.serial, settings).verdict


def attach_stored_copy(db: Session, dossier: Dossier, entry: CitizenDocument, *, slot_id: str, actor_id: int | None,
                       actor_role: str, now: datetime, settings: Settings | None = None) -> DossierAttachment:
    """The reuse of a stored document (``store.use_from_store`` checks who may): its own copy in a slot of the
    dossier, with the snapshot the desk shows (kind, issuer, date, register serial, signature verdict)."""
    settings = settings or get_settings()
    storage = get_storage(settings)
    data = storage.read(key_for(entry.stored_name))
    register = db.get(IssuedDocument, entry.issued_document_id) if entry.issued_document_id else None
    snapshot: dict[str, Any] = {
        "document": entry.id, "kind": entry.kind, "issuer": dict(entry.issuer or {}),
        "issued_on": entry.issued_on.isoformat(), "serial": register.serial if register else "",
        "signature": signature_verdict(entry, data, db, settings),
    }
    stored_name = secrets.token_hex(16)
    remember_written(db, [key_for(stored_name)])
    storage.put(key_for(stored_name), data)
    attachment = DossierAttachment(
        dossier_id=dossier.id, slot_id=slot_id, stage="draft", original_name=entry.original_name,
        stored_name=stored_name, content_type=entry.content_type, size_bytes=len(data), sha256=entry.sha256,
        uploaded_by=actor_id, uploaded_at=now, from_store=snapshot,
    )
    db.add(attachment)
    dossier.last_touched_at = now
    db.flush()
    audit.record(db, action="document.reuse", target_type="dossier", target_id=str(dossier.id),
                 actor_id=str(actor_id) if actor_id is not None else None, actor_role=actor_role,
                 details={"attachment": attachment.id, "slot": slot_id, "document": entry.id})
    return attachment


# Where a linked application's part receives what an earlier part issued (issue 12).
HANDED_ON_SLOT = "handed_on"


def hand_on_result(db: Session, part: Dossier, issued: IssuedDocument, *, actor_id: int | None, actor_role: str,
                   now: datetime, settings: Settings | None = None) -> list[DossierAttachment]:
    """A linked application (issue 12): the certificate a part's approval has just issued into the applicant's
    store goes, through the same reuse as a citizen's own choice, to every later part of the chain (the
    birth certificate to the residence registration and the health-insurance card), with its issuer and
    signature verdict. Once per part; nothing when the part is not in a chain."""
    if part.umbrella_id is None or part.chain_position is None:
        return []
    entry = db.scalar(select(CitizenDocument).where(
        CitizenDocument.owner_id == part.applicant_id, CitizenDocument.issued_document_id == issued.id))
    if entry is None:
        return []
    later = db.scalars(select(Dossier).where(
        Dossier.umbrella_id == part.umbrella_id, Dossier.chain_position > part.chain_position,
    ).order_by(Dossier.chain_position)).all()
    attached = []
    for following in later:
        held = db.scalars(select(DossierAttachment.from_store).where(
            DossierAttachment.dossier_id == following.id, DossierAttachment.slot_id == HANDED_ON_SLOT))
        if any((snapshot or {}).get("document") == entry.id for snapshot in held):
            continue
        attached.append(attach_stored_copy(db, following, entry, slot_id=HANDED_ON_SLOT, actor_id=actor_id,
                                           actor_role=actor_role, now=now, settings=settings))
    return attached


def issue_on_approval(db: Session, dossier: Dossier, *, actor_id: int | None, actor_role: str, now: datetime,
                      settings: Settings | None = None) -> IssuedDocument | None:
    """What approval does besides the status (called by the lifecycle, in its transaction): the applicant's
    accepted files go to her store, and a certificate procedure's result is issued, signed."""
    keep_accepted_attachments(db, dossier, now=now, settings=settings)
    if certificate_of(dossier.procedure_code) is None:
        return None
    issued = issue_result(db, dossier, actor_id=actor_id, actor_role=actor_role, now=now, settings=settings)
    # Issue 12: the later parts of a linked application take it from the applicant's store.
    hand_on_result(db, dossier, issued, actor_id=actor_id, actor_role=actor_role, now=now, settings=settings)
    return issued


# --- revoking, the public page ---------------------------------------------------------------------------


def revoke(db: Session, entry: IssuedDocument, *, reason: str, actor_id: int | None, actor_role: str,
           now: datetime) -> IssuedDocument:
    """Mark a result revoked, with the reason anyone checking it will read. The caller checked the right."""
    cleaned = " ".join((reason or "").split())[:500]
    if not cleaned:
        raise ResultRefused(Msg(MSG_REVOKE_REASON), detail="no reason")
    if entry.revoked_at is not None:
        raise ResultRefused(Msg(MSG_ALREADY_REVOKED), detail=f"{entry.serial} revoked already")
    entry.revoked_at, entry.revoked_reason, entry.revoked_by = now, cleaned, actor_id
    audit.record(db, action="result.revoke", target_type="dossier", target_id=str(entry.dossier_id),
                 actor_id=str(actor_id) if actor_id is not None else None, actor_role=actor_role,
                 details={"serial": entry.serial, "reason": cleaned})
    return entry


@dataclass(frozen=True)
class AgencyRevocation:
    certificate_serial: int
    revoked_at: datetime
    results: int  # results on the register signed with that certificate, which now verify as revoked


def revoke_agency(db: Session, agency_code: str, reason: str, *, actor_id: int | None, actor_role: str,
                  now: datetime, settings: Settings | None = None) -> AgencyRevocation:
    """Revoke the agency's current signing certificate (a compromised key): every result it signed verifies as
    revoked with ``reason``, and the agency's next result is signed with another certificate.
    :class:`~citizen_app.core.documents.authority.AuthorityError` when the agency has no certificate."""
    cleaned = " ".join((reason or "").split())[:200]
    if not cleaned:
        raise ResultRefused(Msg(MSG_REVOKE_REASON), detail="no reason")
    revocation = revoke_agency_certificate(agency_code, cleaned, settings, now)
    results = db.scalar(select(func.count(IssuedDocument.id)).where(
        IssuedDocument.signer_serial == str(revocation.serial))) or 0
    audit.record(db, action="signing.revoke_agency", target_type="agency", target_id=agency_code,
                 actor_id=str(actor_id) if actor_id is not None else None, actor_role=actor_role,
                 details={"certificate": f"{revocation.serial:x}", "reason": cleaned, "results": results})
    return AgencyRevocation(revocation.serial, revocation.revoked_at, results)


PublicVerdict = Literal["genuine", "revoked", "unknown", "altered", "unknown_signer", "revoked_signer", "unsigned",
                        "unreadable"]


@dataclass(frozen=True)
class PublicDocumentStatus:
    """What the QR page shows: no holder's name, number or address, by construction."""

    verdict: PublicVerdict
    serial: str = ""
    title: Mapping[str, str] | None = None
    issuer: Mapping[str, str] | None = None
    issued_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_reason: str = ""
    # Revoked because the agency's signing certificate was (a compromised key), not the result itself.
    signer_revoked: bool = False

    @property
    def genuine(self) -> bool:
        return self.verdict == "genuine"


def _normal_serial(serial: str) -> str:
    cleaned = "".join(ch for ch in (serial or "").upper() if ch.isalnum())[:16]
    return "-".join(cleaned[i:i + 4] for i in range(0, len(cleaned), 4))


def public_status(db: Session, serial: str, settings: Settings | None = None) -> PublicDocumentStatus:
    """The register's word on a serial: genuine, revoked (and why: the result, or the agency's certificate
    that signed it), or unknown."""
    normal = _normal_serial(serial)
    entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == normal)) if len(normal) == 19 else None
    if entry is None:
        return PublicDocumentStatus("unknown")
    found = PublicDocumentStatus("genuine", serial=entry.serial, title=dict(entry.title or {}),
                                 issuer=dict(entry.issuer or {}), issued_at=entry.issued_at)
    if entry.revoked_at is not None:
        return replace(found, verdict="revoked", revoked_at=entry.revoked_at, revoked_reason=entry.revoked_reason or "")
    signer = revocation_of(entry.signer_serial, settings)
    if signer is not None:
        return replace(found, verdict="revoked", revoked_at=signer.revoked_at, revoked_reason=signer.reason,
                       signer_revoked=True)
    return found


def check_file(db: Session, serial: str, data: bytes, settings: Settings | None = None) -> PublicDocumentStatus:
    """A file someone holds, against the register: its signature must be good and its bytes the ones issued."""
    status = public_status(db, serial, settings)
    if status.verdict == "unknown":
        return status
    signature = check(data, settings)
    if signature.verdict == "revoked_signer" and status.signer_revoked:
        return status  # the page says why, with the reason
    if not signature.genuine:
        return PublicDocumentStatus(signature.verdict, serial=status.serial, title=status.title,
                                    issuer=status.issuer, issued_at=status.issued_at)
    entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == status.serial))
    if entry is None or hashlib.sha256(data).hexdigest() != entry.sha256:
        return PublicDocumentStatus("altered", serial=status.serial, title=status.title, issuer=status.issuer,
                                    issued_at=status.issued_at)
    return status
