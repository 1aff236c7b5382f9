"""Feedback and petitions (phản ánh, kiến nghị) about a procedure, an agency or a dossier.

One row per message a citizen sends: what it is about, the competent unit that must answer
(snapshotted, like a dossier's receiving unit), the sender's contact details (personal data,
never published), an optional photo stored like dossier attachments, the due date in working
days, the answer, and the public version a supervisor published with personal data removed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow
from citizen_app.db.models.identity import User  # noqa: F401  (users must be in the metadata for the FKs)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The tracking code the citizen follows it with: random, so codes cannot be walked through.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # procedure | agency | dossier
    subject_type: Mapped[str] = mapped_column(String(16))
    procedure_code: Mapped[str | None] = mapped_column(String(16))
    procedure_name: Mapped[dict[str, str] | None] = mapped_column(JsonDocument)
    dossier_code: Mapped[str | None] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(150))
    content: Mapped[str] = mapped_column(Text)
    # Where it happened, in the citizen's words (optional).
    place: Mapped[str | None] = mapped_column(String(255))

    # The competent unit: a receiving-agency code (core/agencies.py) and its name when sent.
    agency_code: Mapped[str] = mapped_column(String(16))
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    unit_name: Mapped[dict[str, str]] = mapped_column(JsonDocument, default=dict)

    # Personal data: shown to the competent unit's staff only, never published.
    sender_name: Mapped[str] = mapped_column(String(200))
    sender_phone: Mapped[str | None] = mapped_column(String(16))
    sender_email: Mapped[str | None] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    # The sender agreed that the question and its answer may be published without personal data.
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    photo_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    photo_content_type: Mapped[str | None] = mapped_column(String(32))
    photo_size: Mapped[int | None] = mapped_column(Integer)
    photo_sha256: Mapped[str | None] = mapped_column(String(64))

    # received | answered | declined
    status: Mapped[str] = mapped_column(String(16), default="received")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Counted through a year whose days off are not decided yet (core.calendar).
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str | None] = mapped_column(Text)

    # The published version: personal data removed, checked by a supervisor.
    public_title: Mapped[str | None] = mapped_column(String(150))
    public_question: Mapped[str | None] = mapped_column(Text)
    public_answer: Mapped[str | None] = mapped_column(Text)
    # The three public texts folded (no case, no accents) for the public list's search.
    public_search: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        # The staff inbox of one unit: open first, by due date.
        Index("ix_feedback_agency_status_due", "agency_code", "status", "due_at"),
        # A province supervisor's inbox.
        Index("ix_feedback_province_status_due", "province_code", "status", "due_at"),
        # The public list, newest first, by topic.
        Index(
            "ix_feedback_published", "topic", "published_at",
            postgresql_where=text("published_at IS NOT NULL"), sqlite_where=text("published_at IS NOT NULL"),
        ),
    )
