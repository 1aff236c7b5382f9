"""Recording to the append-only audit trail."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.db.models.audit import AuditEvent

log = logging.getLogger("citizen_app.audit")


def record(
    session: Session,
    *,
    action: str,
    target_type: str,
    target_id: str | None = None,
    actor_id: str | None = None,
    actor_role: str | None = None,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit row in the caller's transaction, so it commits or rolls back with the change."""
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id,
        actor_role=actor_role,
        outcome=outcome,
        details=details or {},
    )
    session.add(event)
    if outcome != "ok":
        log.warning("%s %s %s/%s by %s (%s)", outcome, action, target_type, target_id, actor_id, actor_role)
    return event


def events_for(session: Session, target_type: str, target_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
    )
