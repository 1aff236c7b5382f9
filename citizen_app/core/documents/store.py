"""The citizen's document store ("kho dữ liệu cá nhân"): list, open, share, delete, and reuse (issue 13).

Every call names the owner (the signed-in citizen's user id) and finds the document *among hers*:
another citizen's document id is "not found" and the attempt is audited, whatever page, event or URL
it came through. A share link is a random token (only its SHA-256 is kept) that opens one document
until it expires.

:func:`use_from_store` is the reuse mechanism: a document slot of a later application that accepts a
kind she holds takes the stored copy instead of an upload, with a snapshot (kind, issuer, date,
signature verdict) that the staff's desk shows. The linked-procedure chain (issue 12) hands an issued
certificate on to the later parts through the same copy (``issuing.hand_on_result``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.attachment_store import delete_on_commit
from citizen_app.core.attachments import AttachmentRejected
from citizen_app.core.documents.authority import revocation_of
from citizen_app.core.documents.issuing import attach_stored_copy
from citizen_app.core.documents.kinds import accepted_by, kind_of
from citizen_app.core.dossiers.access import Actor, can_read, deny, record_denial
from citizen_app.core.dossiers.errors import (
    DossierError,
    DossierNotFound,
    InvalidTransition,
    ValidationFailed,
)
from citizen_app.core.i18n import N_, NP_, Msg
from citizen_app.core.storage import key_for
from citizen_app.db.models.documents import CitizenDocument, DocumentShare, IssuedDocument
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.settings import Settings, get_settings

SHARE_HOURS = (1, 24, 24 * 7)
MSG_NOT_YOURS_TO_DELETE = N_("Only documents you uploaded yourself can be deleted. Issued results stay.")
MSG_NOT_ACCEPTED_HERE = N_("This document is not one this slot accepts")
MSG_SLOT_FULL = NP_(
    "You can add at most {count} file for this document", "You can add at most {count} files for this document"
)


class DocumentNotFound(DossierError):
    """No such document among the owner's (or a share link that is unknown or expired)."""

    default = N_("Document not found")


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class HeldDocument:
    """One entry of the store as the phone page lists it."""

    id: int
    kind: str
    name: Mapping[str, str]
    issuer: Mapping[str, str]
    issued_on: date
    valid_until: date | None
    origin: str  # issued | accepted
    dossier_code: str
    serial: str  # the register's serial of an issued result ("" for her own papers)
    revoked: bool
    revoked_reason: str
    size_bytes: int
    content_type: str

    @property
    def deletable(self) -> bool:
        return self.origin == "accepted"

    def expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today


def _held(entry: CitizenDocument, register: IssuedDocument | None) -> HeldDocument:
    revoked, reason = False, ""
    if register is not None and register.revoked_at is not None:
        revoked, reason = True, register.revoked_reason or ""
    elif register is not None and (signer := revocation_of(register.signer_serial)) is not None:
        revoked, reason = True, signer.reason  # the agency's signing certificate was revoked
    return HeldDocument(
        id=entry.id, kind=entry.kind, name=dict(entry.title or kind_of(entry.kind).name),
        issuer=dict(entry.issuer or {}), issued_on=entry.issued_on, valid_until=entry.valid_until,
        origin=entry.origin, dossier_code=entry.dossier_code or "", serial=register.serial if register else "",
        revoked=revoked, revoked_reason=reason, size_bytes=entry.size_bytes, content_type=entry.content_type,
    )


def _registers(db: Session, entries: Iterable[CitizenDocument]) -> dict[int, IssuedDocument]:
    ids = [e.issued_document_id for e in entries if e.issued_document_id]
    if not ids:
        return {}
    return {r.id: r for r in db.scalars(select(IssuedDocument).where(IssuedDocument.id.in_(ids)))}


def held_documents(db: Session, owner_id: int, kinds: Iterable[str] | None = None) -> list[HeldDocument]:
    """Her documents, newest first; only the ``kinds`` given, when given."""
    query = select(CitizenDocument).where(CitizenDocument.owner_id == owner_id)
    if kinds is not None:
        query = query.where(CitizenDocument.kind.in_(tuple(kinds)))
    entries = list(db.scalars(query.order_by(CitizenDocument.issued_on.desc(), CitizenDocument.id.desc())))
    registers = _registers(db, entries)
    return [_held(e, registers.get(e.issued_document_id or 0)) for e in entries]


def _own(db: Session, owner_id: int, document_id: int, action: str) -> CitizenDocument:
    entry = db.get(CitizenDocument, document_id)
    if entry is None or entry.owner_id != owner_id:
        if entry is not None:
            # In its own transaction: the caller rolls back on the error raised next.
            record_denial(db, action=action, actor=Actor.citizen(owner_id), target_type="citizen_document",
                          target_id=str(document_id), details={"reason": "not the owner"})
        raise DocumentNotFound(detail=f"document {document_id} is not {owner_id}'s")
    return entry


def held_document(db: Session, owner_id: int, document_id: int) -> HeldDocument:
    entry = _own(db, owner_id, document_id, "document.read")
    return _held(entry, db.get(IssuedDocument, entry.issued_document_id) if entry.issued_document_id else None)


def _file(entry: CitizenDocument) -> StoredFile:
    return StoredFile(key_for(entry.stored_name), entry.original_name, entry.content_type, entry.size_bytes,
                      entry.sha256)


def open_document(db: Session, owner_id: int, document_id: int) -> StoredFile:
    return _file(_own(db, owner_id, document_id, "document.open"))


def delete_document(db: Session, owner_id: int, document_id: int) -> None:
    """Delete one of her own papers (never an issued result); the file goes once the deletion commits."""
    entry = _own(db, owner_id, document_id, "document.delete")
    if entry.origin != "accepted":
        raise InvalidTransition(Msg(MSG_NOT_YOURS_TO_DELETE), detail=f"document {document_id} is {entry.origin}")
    delete_on_commit(db, [key_for(entry.stored_name)])
    db.delete(entry)
    audit.record(db, action="document.delete", target_type="citizen_document", target_id=str(document_id),
                 actor_id=str(owner_id), actor_role="citizen")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_lifetimes(settings: Settings | None = None) -> tuple[int, ...]:
    """How long a share link may last, in seconds: an hour, a day, a week (and a test server's short one)."""
    settings = settings or get_settings()
    short = (settings.test_share_link_seconds,) if settings.test_share_link_seconds > 0 else ()
    return (*short, *(hours * 3600 for hours in SHARE_HOURS))


def share(db: Session, owner_id: int, document_id: int, *, now: datetime, hours: int = 24, seconds: int | None = None,
          settings: Settings | None = None) -> tuple[str, datetime]:
    """A new link to one of her documents that lasts one of :func:`share_lifetimes` (else a day):
    (token, when it expires)."""
    entry = _own(db, owner_id, document_id, "document.share")
    lifetime = seconds if seconds is not None else hours * 3600
    if lifetime not in share_lifetimes(settings):
        lifetime = 24 * 3600
    token = secrets.token_urlsafe(24)
    expires_at = now + timedelta(seconds=lifetime)
    db.add(DocumentShare(document_id=entry.id, token_sha256=_token_hash(token), created_at=now, expires_at=expires_at))
    audit.record(db, action="document.share", target_type="citizen_document", target_id=str(entry.id),
                 actor_id=str(owner_id), actor_role="citizen", details={"seconds": lifetime})
    return token, expires_at


def open_shared(db: Session, token: str, *, now: datetime) -> tuple[HeldDocument, StoredFile]:
    """The document behind a share link, while the link lasts; anything else is :class:`DocumentNotFound`."""
    if not token or len(token) > 100:
        raise DocumentNotFound(detail="malformed token")
    link = db.scalar(select(DocumentShare).where(DocumentShare.token_sha256 == _token_hash(token)))
    if link is None or link.expires_at <= now:
        raise DocumentNotFound(detail="unknown or expired share link")
    entry = db.get(CitizenDocument, link.document_id)
    if entry is None:
        raise DocumentNotFound(detail="shared document deleted")
    register = db.get(IssuedDocument, entry.issued_document_id) if entry.issued_document_id else None
    return _held(entry, register), _file(entry)


# --- reuse ------------------------------------------------------------------------------------------------


def choices_for_slot(db: Session, owner_id: int, slot_id: str, today: date) -> list[HeldDocument]:
    """Her documents a slot accepts: valid, not revoked."""
    kinds = accepted_by(slot_id)
    if not kinds:
        return []
    return [d for d in held_documents(db, owner_id, kinds) if not d.revoked and not d.expired(today)]


def use_from_store(db: Session, dossier_id: int, actor: Actor, *, slot_id: str, document_id: int,
                   slot_max_files: int | None, now: datetime, settings: Settings | None = None) -> DossierAttachment:
    """Put one of the applicant's stored documents into a slot of her draft, as if uploaded, noting where
    it came from. The document must be the applicant's own and a kind the slot accepts."""
    settings = settings or get_settings()
    dossier = db.get(Dossier, dossier_id)
    if dossier is None:
        raise DossierNotFound(detail=f"dossier {dossier_id}")
    if not can_read(actor, dossier) or actor.user_id is None:
        raise deny(db, action="document.reuse", actor=actor, dossier_id=dossier.id, reason="cannot read")
    if dossier.status != "draft":
        raise InvalidTransition(detail=f"reuse on a {dossier.status} dossier")
    if actor.role == "citizen" and dossier.applicant_id != actor.user_id:
        raise deny(db, action="document.reuse", actor=actor, dossier_id=dossier.id, reason="not the applicant")
    entry = _own(db, dossier.applicant_id, document_id, "document.reuse")
    if slot_max_files is None or entry.kind not in accepted_by(slot_id):
        raise AttachmentRejected(Msg(MSG_NOT_ACCEPTED_HERE), detail=f"{entry.kind} in slot {slot_id}")
    in_slot = db.scalar(select(func.count(DossierAttachment.id)).where(
        DossierAttachment.dossier_id == dossier.id, DossierAttachment.slot_id == slot_id)) or 0
    if in_slot + 1 > slot_max_files:
        raise AttachmentRejected(Msg.counted(MSG_SLOT_FULL, slot_max_files))
    return attach_stored_copy(db, dossier, entry, slot_id=slot_id, actor_id=actor.user_id, actor_role=actor.role,
                              now=now, settings=settings)




# --- results by post ----------------------------------------------------------------------------------------

MSG_TRACKING_FORMAT = N_("Enter the postal item number (letters and digits, 6 to 40 characters).")


def record_postal_tracking(db: Session, dossier_id: int, actor: Actor, number: str, *, now: datetime) -> str:
    """The officer records the tracking number of a result sent by post; the citizen sees it."""
    dossier = db.get(Dossier, dossier_id)
    if dossier is None:
        raise DossierNotFound(detail=f"dossier {dossier_id}")
    if not actor.is_staff or not can_read(actor, dossier):
        raise deny(db, action="result.post", actor=actor, dossier_id=dossier.id, reason="not staff of the unit")
    cleaned = "".join((number or "").split()).upper()
    if not (6 <= len(cleaned) <= 40 and cleaned.isalnum() and cleaned.isascii()):
        raise ValidationFailed({"postal_tracking": Msg(MSG_TRACKING_FORMAT)})
    if dossier.status not in ("approved", "result_ready", "returned"):
        raise InvalidTransition(detail=f"postal tracking on a {dossier.status} dossier")
    dossier.postal_tracking = cleaned
    audit.record(db, action="result.post", target_type="dossier", target_id=str(dossier.id),
                 actor_id=actor.audit_id, actor_role=actor.role, details={"tracking": cleaned})
    return cleaned


def slot_choices(db: Session, draft_id: int, owner_id: int, slot_ids: Iterable[str],
                 today: date) -> dict[str, list[HeldDocument]]:
    """For each slot of a draft, her documents it accepts that are not in the draft already."""
    used = {
        int((snapshot or {}).get("document") or 0)
        for snapshot in db.scalars(
            select(DossierAttachment.from_store).where(DossierAttachment.dossier_id == draft_id)
        )
    }
    found: dict[str, list[HeldDocument]] = {}
    for slot_id in slot_ids:
        choices = [d for d in choices_for_slot(db, owner_id, slot_id, today) if d.id not in used]
        if choices:
            found[slot_id] = choices
    return found
