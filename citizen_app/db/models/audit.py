"""The append-only audit trail: profile changes, staff actions, denials."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from citizen_app.db.base import Base, JsonDocument, UtcDateTime, utcnow


class AuditEvent(Base):
    """One thing someone did, or tried to do and was refused.

    Rows are only ever inserted. Actors are kept as plain identifiers, not foreign
    keys, so the trail outlives the rows it talks about.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok | denied | failed
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)

    __table_args__ = (
        Index("ix_audit_events_target", "target_type", "target_id"),
        Index("ix_audit_events_at", "at"),
        Index("ix_audit_events_actor_at", "actor_id", "at"),  # the supervisors' audit log (migration 0006)
    )
