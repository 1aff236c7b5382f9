"""Dossier files: checked by content, stored outside the web root, opened only by those allowed.

* Types are decided by the first bytes (magic numbers), never by the name: PDF
  (``%PDF-``), JPEG (``FF D8 FF``), PNG (``89 50 4E 47 0D 0A 1A 0A``). A file
  whose content does not match its extension or declared type is refused, so
  is an empty file, an image Pillow cannot decode, and anything over the limits
  in Settings (per file, per dossier, files per dossier) or the slot's
  ``max_files``.
* What is kept is harmless to open (:func:`checked_content`): images are decoded
  and encoded again, which drops their metadata (EXIF with the phone's GPS
  position, comments, colour profiles) and anything appended to or hidden in them
  (polyglot files); a PDF with JavaScript or automatic actions (``/OpenAction``,
  ``/AA``, launch, form submission) is refused, as is one pypdf cannot read.
  Names lose control characters, bidi overrides and zero-width characters, so
  ``invoice\u202efdp.exe`` cannot pose as a PDF.
* Bytes go to the storage (core/storage: ``DATA_DIR/files`` or an S3 bucket) under
  ``<aa>/<random>`` with a random name and no extension; the original name is kept
  in the database, sanitised for display. Images get a 256 px JPEG thumbnail
  beside them; PDFs show an icon.
* Files follow the transaction: a file written for a row that is rolled back
  is deleted, and a file whose row is deleted is removed only once that
  deletion commits (:mod:`citizen_app.core.attachment_store`, below the
  dossiers package, which also uses it).
* :func:`open_attachment` checks the reader (the applicant, or staff of the
  receiving agency) and writes every refusal to the audit trail.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.attachment_store import (
    delete_on_commit,
    files_of,
    remember_written,
)
from citizen_app.core.documents.issuing import seal_upload, store_sealed_result
from citizen_app.core.dossiers.access import Actor, can_read, deny
from citizen_app.core.dossiers.errors import DossierError, DossierNotFound, InvalidTransition
from citizen_app.core.i18n import N_, NP_, Msg
from citizen_app.core.statuses import NOT_FOR_AGENCY
from citizen_app.core.storage import FileMissing, get_storage, key_for
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)

ContentType = Literal["application/pdf", "image/jpeg", "image/png"]
EXTENSIONS: dict[str, ContentType] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jfif": "image/jpeg",
    ".png": "image/png",
}
# Browsers and phones sometimes send these aliases for the same types.
DECLARED_ALIASES: dict[str, ContentType] = {
    "application/pdf": "application/pdf",
    "application/x-pdf": "application/pdf",
    "image/jpeg": "image/jpeg",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/png": "image/png",
    "image/x-png": "image/png",
}
TYPE_NAMES: dict[str, str] = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
THUMBNAIL_SIZE = (256, 256)
# A decompression bomb is refused rather than decoded: 50 megapixels is beyond any phone photo.
MAX_IMAGE_PIXELS = 50_000_000
RESULT_SLOT = "result"

MSG_EMPTY = N_("The file “{name}” is empty")
MSG_TOO_BIG = N_("The file “{name}” is larger than {limit} MB")
MSG_DOSSIER_TOO_BIG = N_("Together, the files of an application must be no larger than {limit} MB")
MSG_TOO_MANY = NP_("An application can have at most {count} file", "An application can have at most {count} files")
MSG_SLOT_FULL = NP_(
    "You can add at most {count} file for this document", "You can add at most {count} files for this document"
)
MSG_WRONG_TYPE = N_("The file “{name}” must be a PDF, JPEG or PNG")
MSG_MISMATCH = N_("The file “{name}” is not what its name says: its content is not {expected}")
MSG_UNREADABLE = N_("The image “{name}” is damaged or cannot be read")
MSG_PDF_ACTIVE = N_(
    "The PDF “{name}” contains scripts or automatic actions, which are not accepted. Print it to a new PDF "
    "or scan it, then add it again."
)
MSG_PDF_UNREADABLE = N_("The PDF “{name}” is damaged or cannot be read")
MSG_PDF_LOCKED = N_("The PDF “{name}” is protected by a password. Add a copy without a password.")
MSG_UNKNOWN_SLOT = N_("This document is not part of the form")
MSG_NOT_EDITABLE = N_("Files can no longer be changed on this application")


class AttachmentRejected(DossierError):
    """The file was refused; ``message`` tells the person why (no file was stored)."""

    default = N_("This file cannot be added")


@dataclass(frozen=True)
class Download:
    """What a route needs to send the file: the storage ``key``, sent as ``filename``."""

    key: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str


# --- content checks --------------------------------------------------------------------------------------


def sniff(head: bytes) -> ContentType | None:
    """The type the first bytes announce, or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
# Invisible characters that change how a name reads: bidi overrides and isolates (U+202A–202E,
# U+2066–2069), zero-width characters (U+200B–200F, U+2060, U+FEFF) and other format controls,
# and line or paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp"})


def sanitize_filename(name: str) -> str:
    """A display name: no path parts, no control, invisible or shell-special characters, at most 120 characters."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)
    base = _UNSAFE.sub("_", base).strip(" ._")
    if not base:
        return "file"
    stem, dot, extension = base.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[: 120 - len(extension) - 1]}.{extension}"
    return base[:120]


def check_file(
    filename: str,
    data: bytes,
    declared_type: str | None = None,
    *,
    settings: Settings | None = None,
) -> ContentType:
    """The file's real type, or :class:`AttachmentRejected` with the reason. Nothing is stored here."""
    settings = settings or get_settings()
    display = sanitize_filename(filename)
    if not data:
        raise AttachmentRejected(Msg(MSG_EMPTY, {"name": display}))
    if len(data) > settings.max_file_mb * 1024 * 1024:
        raise AttachmentRejected(Msg(MSG_TOO_BIG, {"name": display, "limit": settings.max_file_mb}))
    extension = Path(display).suffix.lower()
    by_name = EXTENSIONS.get(extension)
    actual = sniff(data[:16])
    if by_name is None:
        raise AttachmentRejected(Msg(MSG_WRONG_TYPE, {"name": display}))
    if actual != by_name:
        raise AttachmentRejected(Msg(MSG_MISMATCH, {"name": display, "expected": TYPE_NAMES[by_name]}))
    if declared_type:
        declared = DECLARED_ALIASES.get(declared_type.split(";")[0].strip().lower())
        # application/octet-stream and friends say nothing; a specific wrong type is a mismatch.
        if declared is not None and declared != actual:
            raise AttachmentRejected(Msg(MSG_MISMATCH, {"name": display, "expected": TYPE_NAMES[declared]}))
    if actual == "application/pdf":
        _check_pdf(data, display)
    else:
        _check_image(data, display)
    return actual


def checked_content(
    filename: str,
    data: bytes,
    declared_type: str | None = None,
    *,
    settings: Settings | None = None,
) -> tuple[ContentType, bytes]:
    """:func:`check_file`, then the bytes to keep: an image re-encoded, a PDF as it came (it was checked)."""
    content_type = check_file(filename, data, declared_type, settings=settings)
    if content_type == "application/pdf":
        return content_type, data
    return content_type, reencode_image(data, content_type, sanitize_filename(filename))


def _check_image(data: bytes, display: str) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise AttachmentRejected(Msg(MSG_UNREADABLE, {"name": display}))
            image.verify()
    except AttachmentRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as problem:
        raise AttachmentRejected(Msg(MSG_UNREADABLE, {"name": display}), detail=str(problem)) from problem
    except Image.DecompressionBombError as problem:  # not an OSError: a separate clause
        raise AttachmentRejected(Msg(MSG_UNREADABLE, {"name": display}), detail=str(problem)) from problem


def reencode_image(data: bytes, content_type: ContentType, display: str = "file") -> bytes:
    """The picture only, encoded afresh: no EXIF (GPS), comments, profiles or trailing bytes survive.

    The EXIF orientation is applied first, so the photo still stands the right way up.
    """
    try:
        with Image.open(io.BytesIO(data)) as original:
            original.load()
            image = ImageOps.exif_transpose(original)
            # Pillow writes what ``info`` holds (EXIF, comments, ICC profile) back out: keep only what
            # draws the picture (a palette's transparent colour).
            image.info = {key: value for key, value in image.info.items() if key == "transparency"}
            out = io.BytesIO()
            if content_type == "image/jpeg":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90, optimize=True)
            else:
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    image = image.convert("RGBA")
                image.save(out, "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as problem:
        raise AttachmentRejected(Msg(MSG_UNREADABLE, {"name": display}), detail=str(problem)) from problem
    except Image.DecompressionBombError as problem:
        raise AttachmentRejected(Msg(MSG_UNREADABLE, {"name": display}), detail=str(problem)) from problem


# Keys that make a PDF do something by itself, wherever they appear (catalogue, page, annotation, field).
_PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/RichMedia", "/XFA"})
# Action types that run code, open programs or send data without the reader asking for it.
_PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition", "/RichMediaExecute"}
)
# A PDF with more objects than this is not a scanned document: refused rather than walked.
MAX_PDF_OBJECTS = 200_000


def _check_pdf(data: bytes, display: str) -> None:
    """Refuse a PDF pypdf cannot read, one locked with a password, and one with active content.

    Every object reachable from the trailer is visited (object streams are decompressed by
    pypdf, and escaped names such as ``/J#61vaScript`` are decoded), so the keys cannot hide.
    ``/OpenAction`` is refused when it is an action; when it only says which page to show
    first (a destination array) it is harmless and allowed.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentRejected(Msg(MSG_PDF_LOCKED, {"name": display}), detail="encrypted")
        pending: list[Any] = [reader.trailer]
        seen: set[tuple[int, int]] = set()
        visited = 0
        while pending:
            item = pending.pop()
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            visited += 1
            if visited > MAX_PDF_OBJECTS:
                raise AttachmentRejected(Msg(MSG_PDF_UNREADABLE, {"name": display}), detail="too many objects")
            if isinstance(item, DictionaryObject):
                active = set(_PDF_ACTIVE_KEYS.intersection(item.keys()))
                action = item.get("/S")
                open_action = item.get("/OpenAction")
                if open_action is not None and isinstance(open_action.get_object(), DictionaryObject):
                    active.add("/OpenAction")
                if action is not None and str(action.get_object()) in _PDF_ACTIVE_ACTIONS:
                    active.add(str(action.get_object()))
                if active:
                    raise AttachmentRejected(
                        Msg(MSG_PDF_ACTIVE, {"name": display}), detail=f"PDF with {', '.join(sorted(active))}"
                    )
                pending.extend(item.values())
            elif isinstance(item, ArrayObject):
                pending.extend(item)
    except AttachmentRejected:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as problem:
        raise AttachmentRejected(Msg(MSG_PDF_UNREADABLE, {"name": display}), detail=str(problem)) from problem


# --- storage (core.storage; files follow the transaction: core.attachment_store) ------------------------------------------------------------------


def stored_key(stored_name: str) -> str:
    """The storage key of a stored file (or thumbnail) name."""
    return key_for(stored_name)


def _thumbnail(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.convert("RGBA").split()[-1])
            image = background
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, optimize=True)
        return out.getvalue()


# --- operations on a dossier ------------------------------------------------------------------------------


def _load(db: Session, dossier_id: int) -> Dossier:
    dossier = db.get(Dossier, dossier_id)
    if dossier is None:
        raise DossierNotFound(detail=f"dossier {dossier_id}")
    return dossier


def _stage_for(dossier: Dossier, actor: Actor, slot_id: str) -> str:
    """Which kind of file this actor may add now, or a refusal (raised by the caller)."""
    if slot_id == RESULT_SLOT:
        if actor.is_staff and dossier.status in ("approved", "result_ready"):
            return "result"
        raise InvalidTransition(Msg(MSG_NOT_EDITABLE), detail=f"result file on a {dossier.status} dossier")
    if dossier.status == "draft":
        return "draft"
    request = dossier.supplement_request or {}
    if dossier.status == "supplement_requested" and slot_id in request.get("attachments", []):
        return "supplement"
    raise InvalidTransition(Msg(MSG_NOT_EDITABLE), detail=f"slot {slot_id} on a {dossier.status} dossier")


def _may_write(actor: Actor, dossier: Dossier, stage: str) -> bool:
    if stage == "result":
        return actor.is_staff and can_read(actor, dossier)
    if actor.role == "citizen":
        return dossier.applicant_id == actor.user_id
    # Counter officers fill drafts in with the citizen and record supplements brought to the desk.
    return actor.is_staff and can_read(actor, dossier)


def add_attachment(
    db: Session,
    dossier_id: int,
    actor: Actor,
    *,
    slot_id: str,
    filename: str,
    data: bytes,
    declared_type: str | None = None,
    slot_max_files: int | None = None,
    now: datetime,
    settings: Settings | None = None,
) -> DossierAttachment:
    """Check and store one file in a slot of a draft (or of an open supplement request, or the result).

    ``slot_max_files`` is the form's limit for the slot; pass ``None`` when the
    slot is not in the form and the file is refused. The result document uses
    slot ``"result"`` and needs no form slot.
    """
    settings = settings or get_settings()
    dossier = _load(db, dossier_id)
    if not can_read(actor, dossier):
        raise deny(db, action="attachment.add", actor=actor, dossier_id=dossier.id, reason="cannot read")
    stage = _stage_for(dossier, actor, slot_id)
    if not _may_write(actor, dossier, stage):
        raise deny(db, action="attachment.add", actor=actor, dossier_id=dossier.id, reason=f"no {stage} file")
    if stage != "result" and slot_max_files is None:
        raise AttachmentRejected(Msg(MSG_UNKNOWN_SLOT), detail=f"unknown slot {slot_id}")

    content_type, data = checked_content(filename, data, declared_type, settings=settings)
    sealed = None
    if stage == "result":
        # Issue 13: every result verifies the same way: an uploaded one is signed by the agency now.
        data, sealed = seal_upload(db, dossier, data, content_type, now=now, settings=settings)
        content_type = "application/pdf"
        filename = f"{Path(sanitize_filename(filename)).stem}.pdf"

    count, total = db.execute(
        select(
            func.count(DossierAttachment.id), func.coalesce(func.sum(DossierAttachment.size_bytes), 0)
        ).where(DossierAttachment.dossier_id == dossier.id, DossierAttachment.stage != "result")
    ).one()
    if stage != "result":
        if count + 1 > settings.max_files_per_dossier:
            raise AttachmentRejected(Msg.counted(MSG_TOO_MANY, settings.max_files_per_dossier))
        if total + len(data) > settings.max_dossier_mb * 1024 * 1024:
            raise AttachmentRejected(Msg(MSG_DOSSIER_TOO_BIG, {"limit": settings.max_dossier_mb}))
        in_slot = (
            db.scalar(
                select(func.count(DossierAttachment.id)).where(
                    DossierAttachment.dossier_id == dossier.id, DossierAttachment.slot_id == slot_id
                )
            )
            or 0
        )
        if slot_max_files is not None and in_slot + 1 > slot_max_files:
            raise AttachmentRejected(Msg.counted(MSG_SLOT_FULL, slot_max_files))

    storage = get_storage(settings)
    stored_name = secrets.token_hex(16)
    remember_written(db, [key_for(stored_name)])
    storage.put(key_for(stored_name), data)
    thumbnail_name = None
    if content_type != "application/pdf":
        try:
            thumbnail = _thumbnail(data)
        except (OSError, ValueError):
            log.warning("no thumbnail for %s", stored_name, exc_info=True)
        else:
            thumbnail_name = f"{stored_name}.thumb.jpg"
            remember_written(db, [key_for(thumbnail_name)])
            storage.put(key_for(thumbnail_name), thumbnail)

    attachment = DossierAttachment(
        dossier_id=dossier.id,
        slot_id=slot_id,
        stage=stage,
        original_name=sanitize_filename(filename),
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        thumbnail_name=thumbnail_name,
        uploaded_by=actor.user_id,
        uploaded_at=now,
    )
    db.add(attachment)
    if dossier.status == "draft":
        dossier.last_touched_at = now
    db.flush()
    if sealed is not None:
        store_sealed_result(db, dossier, data, sealed, attachment.original_name, attachment.id, now=now,
                            settings=settings)
    audit.record(
        db,
        action="attachment.add",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={
            "attachment": attachment.id,
            "slot": slot_id,
            "stage": stage,
            "bytes": len(data),
            "sha256": attachment.sha256,
        },
    )
    return attachment


def remove_attachment(db: Session, attachment_id: int, actor: Actor, *, now: datetime) -> None:
    """Take a file back out (drafts, and files added for an open supplement request); unlinked on commit."""
    attachment = db.get(DossierAttachment, attachment_id)
    if attachment is None:
        raise DossierNotFound(detail=f"attachment {attachment_id}")
    dossier = _load(db, attachment.dossier_id)
    if not can_read(actor, dossier) or not _may_write(actor, dossier, attachment.stage):
        raise deny(db, action="attachment.remove", actor=actor, dossier_id=dossier.id, reason="not allowed")
    editable = (
        (attachment.stage == "draft" and dossier.status == "draft")
        or (attachment.stage == "supplement" and dossier.status == "supplement_requested")
        or (attachment.stage == "result" and dossier.status in ("approved", "result_ready"))
    )
    if not editable:
        raise InvalidTransition(Msg(MSG_NOT_EDITABLE), detail=f"{attachment.stage} file on {dossier.status}")
    delete_on_commit(db, files_of([attachment]))
    db.delete(attachment)
    if dossier.status == "draft":
        dossier.last_touched_at = now
    audit.record(
        db,
        action="attachment.remove",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"attachment": attachment_id},
    )


def list_attachments(db: Session, dossier_id: int, actor: Actor) -> list[DossierAttachment]:
    dossier = _load(db, dossier_id)
    if not can_read(actor, dossier):
        raise deny(db, action="attachment.list", actor=actor, dossier_id=dossier.id, reason="not allowed")
    return list(
        db.scalars(
            select(DossierAttachment)
            .where(DossierAttachment.dossier_id == dossier_id)
            .order_by(DossierAttachment.id)
        )
    )


def reads_as_part(db: Session, actor: Actor, umbrella: Dossier) -> bool:
    """Whether staff of a part of a linked application (issue 12) may read what the citizen attached once
    to its umbrella: read only, and only once their part has reached them (not while it waits)."""
    if not actor.is_staff or umbrella.umbrella_id is not None:
        return False
    parts = db.scalars(select(Dossier).where(Dossier.umbrella_id == umbrella.id))
    return any(can_read(actor, part) and part.status not in NOT_FOR_AGENCY for part in parts)


def shared_with_part(db: Session, part: Dossier, actor: Actor) -> tuple[Dossier | None, list[DossierAttachment]]:
    """The umbrella of a part and the files the citizen sent with it once for every part (none otherwise)."""
    if part.umbrella_id is None:
        return None, []
    umbrella = _load(db, part.umbrella_id)
    if not reads_as_part(db, actor, umbrella):
        return umbrella, []
    files = db.scalars(
        select(DossierAttachment)
        .where(DossierAttachment.dossier_id == umbrella.id, DossierAttachment.stage == "draft")
        .order_by(DossierAttachment.id)
    )
    return umbrella, list(files)


def open_attachment(
    db: Session,
    attachment_id: int,
    actor: Actor,
    *,
    thumbnail: bool = False,
    settings: Settings | None = None,
) -> Download:
    """The file (or its thumbnail) for the applicant or staff of the receiving agency; others are refused.

    A citizen sees the result document only once the result is ready. Every
    refusal is audited with ``outcome="denied"``.
    """
    settings = settings or get_settings()
    attachment = db.get(DossierAttachment, attachment_id)
    if attachment is None:
        raise DossierNotFound(detail=f"attachment {attachment_id}")
    dossier = _load(db, attachment.dossier_id)
    allowed = can_read(actor, dossier) or (attachment.stage == "draft" and reads_as_part(db, actor, dossier))
    if allowed and actor.role == "citizen" and attachment.stage == "result":
        allowed = dossier.status in ("result_ready", "returned")
    if not allowed:
        raise deny(
            db,
            action="attachment.open",
            actor=actor,
            dossier_id=dossier.id,
            reason=f"attachment {attachment_id}",
        )
    if thumbnail:
        if not attachment.thumbnail_name:
            raise DossierNotFound(detail=f"attachment {attachment_id} has no thumbnail")
        key = key_for(attachment.thumbnail_name)
        data_type, name = "image/jpeg", f"{Path(attachment.original_name).stem}-thumbnail.jpg"
    else:
        key = key_for(attachment.stored_name)
        data_type, name = attachment.content_type, attachment.original_name
    try:
        size = get_storage(settings).size(key)
    except FileMissing:
        raise DossierNotFound(detail=f"file of attachment {attachment_id} is missing") from None
    return Download(key=key, filename=name, content_type=data_type, size_bytes=size, sha256=attachment.sha256)


def icon_for(attachment: DossierAttachment) -> str:
    """``"thumbnail"`` when an image preview exists, else a generic icon name for the page (``"pdf"``)."""
    if attachment.thumbnail_name:
        return "thumbnail"
    return "pdf" if attachment.content_type == "application/pdf" else "file"
