"""Tracking a dossier: the applicant's notifications, satisfaction ratings, and public-lookup rate limits.

``dossier_ratings`` is read by the supervisor dashboard (satisfaction rate): one row per
dossier, ``score`` 1–5. Keep its shape simple.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, UtcDateTime, utcnow
from citizen_app.db.models.dossiers import Dossier  # noqa: F401  (dossiers must be in the metadata for the FKs)


class Notification(Base):
    """One in-app notice to a citizen: a dossier of theirs changed status (or its appointment moved).

    The text is not stored: the page renders it from ``kind``/``status`` in the reader's
    language, with the dossier's code and procedure name.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    # The lifecycle action that caused it (receive, request_supplement, approve, delay, …).
    kind: Mapped[str] = mapped_column(String(32))
    # The dossier's status after that action.
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When SMTP is configured and the citizen chose email: sent | failed | skipped (None: in-app only).
    email_status: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        # The unread badge and the newest-first list read this index only.
        Index("ix_notifications_user", "user_id", "read_at", "id"),
        Index("ix_notifications_dossier", "dossier_id"),
    )


class DossierRating(Base):
    """The applicant's satisfaction with one finished dossier: once, 1–5, with an optional comment."""

    __tablename__ = "dossier_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
        Index("ix_dossier_ratings_created_at", "created_at"),
    )


class RateLimitWindow(Base):
    """Hits of one client (a hashed IP) on one limited action within one fixed window.

    A row per (bucket, window start); incremented with an atomic upsert, so every worker
    process shares the count. Old windows are deleted as new ones start.
    """

    __tablename__ = "rate_limit_windows"

    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    # Unix time (seconds) the window starts at: an integer compares the same on every backend.
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_rate_limit_windows_window_start", "window_start"),)
