"""What changed in a citizen's profile, newest first, read back from the audit trail.

The trail already holds every change (``update_profile`` writes one ``profile.update``
event per field, values masked), so the profile page shows those events rather than
keeping a second history that could disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.db.models.audit import AuditEvent

PROFILE_UPDATE = "profile.update"
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class ProfileChange:
    """One changed field: who, when, what (old and new as masked in the trail)."""

    at: datetime
    field: str
    old: Any
    new: Any
    actor_id: str | None
    actor_role: str | None
    by_owner: bool  # the citizen themself, as opposed to someone acting for them


def recent_profile_changes(db: Session, user_id: int, limit: int = DEFAULT_LIMIT) -> list[ProfileChange]:
    """The last ``limit`` saved changes to ``user_id``'s profile, newest first."""
    events = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.target_type == "profile",
            AuditEvent.target_id == str(user_id),
            AuditEvent.action == PROFILE_UPDATE,
            AuditEvent.outcome == "ok",
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(max(limit, 0))
    )
    return [
        ProfileChange(
            at=event.at,
            field=str((event.details or {}).get("field", "")),
            old=(event.details or {}).get("old"),
            new=(event.details or {}).get("new"),
            actor_id=event.actor_id,
            actor_role=event.actor_role,
            by_owner=event.actor_id == str(user_id),
        )
        for event in events
    ]
