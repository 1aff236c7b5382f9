"""Signed results and the citizen's document store (issue 13).

* :class:`IssuedDocument` is the agencies' register of every result they signed: what the public
  verification page (the QR) reads. It holds no personal data, only the kind, the issuer, the date,
  the digest of the signed file and whether it was revoked (and why).
* :class:`CitizenDocument` is one entry of a citizen's own store ("kho dữ liệu cá nhân"): a result
  issued to her, or an attachment that staff accepted. Its bytes are its own copy in the storage.
* :class:`DocumentShare` is a time-limited link a citizen made to one of her documents; only the
  SHA-256 of its token is kept.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow
from citizen_app.db.models.dossiers import Dossier  # noqa: F401  (dossiers must be in the metadata for the FKs)


class IssuedDocument(Base):
    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the QR carries: random, so the register cannot be walked through.
    serial: Mapped[str] = mapped_column(String(24), unique=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    issuer: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    agency_code: Mapped[str] = mapped_column(String(16))
    # generated (made from the dossier's data) | sealed (an uploaded result, signed at upload)
    origin: Mapped[str] = mapped_column(String(12))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    signer_serial: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_issued_documents_dossier", "dossier_id"),)


class CitizenDocument(Base):
    __tablename__ = "citizen_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    issuer: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # issued (a signed result) | accepted (her attachment, accepted by staff)
    origin: Mapped[str] = mapped_column(String(12))
    issued_document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id", ondelete="SET NULL"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"))
    dossier_code: Mapped[str | None] = mapped_column(String(32))
    source_attachment_id: Mapped[int | None] = mapped_column(Integer)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (Index("ix_citizen_documents_owner", "owner_id", "kind"),)


class DocumentShare(Base):
    __tablename__ = "document_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("citizen_documents.id", ondelete="CASCADE"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
