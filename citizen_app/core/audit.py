"""Recording to the append-only audit trail."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.db.models.audit import AuditEvent

log = logging.getLogger("citizen_app.audit")

# Rate-limit bucket of refusals per person: a client replaying forbidden requests cannot flood the trail.
DENIALS = "audit-denials"


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


def denial_admitted(
    session: Session, actor_id: str | None, *, limit: int | None = None, now: datetime | None = None
) -> bool:
    """Whether this refusal gets its own ``outcome="denied"`` row, in ``session``'s transaction.

    The first ``Settings.denial_audit_limit_per_minute`` refusals of a person (sliding minute)
    do. The one after them writes a single ``audit.throttled`` row saying the trail stopped
    listing that person's refusals; later ones are only counted (``rate_limit_windows``), so
    replaying a forbidden request neither floods the trail nor its log lines.
    """
    from citizen_app.core import rate_limit
    from citizen_app.db.base import utcnow
    from citizen_app.settings import get_settings

    limit = get_settings().denial_audit_limit_per_minute if limit is None else limit
    decision = rate_limit.hit(session, DENIALS, actor_id or "anonymous", limit=limit, now=now or utcnow())
    if decision.allowed:
        return True
    if decision.hits == limit + 1:
        record(
            session,
            action="audit.throttled",
            target_type="user",
            target_id=actor_id,
            actor_id=actor_id,
            outcome="denied",
            details={"refusals_per_minute": limit},
        )
    else:
        log.debug("refusal by %s not listed (over %d a minute)", actor_id, limit)
    return False
