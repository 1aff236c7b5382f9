"""Users, their sessions and profiles. (Owned by the identity work; extended there.)"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, UtcDateTime, utcnow


class User(Base):
    """A person known to the app, matched by (issuer, subject) and never by name or email."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("issuer", "subject"),)
