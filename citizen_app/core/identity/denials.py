"""Refusals by the staff guards, written to the audit trail in one shape wherever they happen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.identity.permissions import PermissionDenied
from citizen_app.db.models.audit import AuditEvent


def record_denial(
    db: Session, denied: PermissionDenied, *, action: str, target_type: str, target_id: str | None
) -> AuditEvent | None:
    """One ``outcome="denied"`` row: who (and in which session), what they tried, which role it needs.

    None when the person's refusals are being throttled (``audit.denial_admitted``).

    Does not commit. Callers record refusals of signed-in people only: anonymous
    requests are logged, not audited, so nobody can flood the trail.
    """
    if not audit.denial_admitted(db, denied.actor_id):
        return None
    details: dict[str, object] = {"required": denied.required}
    if denied.user is not None:
        details["session"] = denied.user.session_id
    return audit.record(
        db,
        action=action,
        target_type=target_type,
        target_id=target_id[:64] if target_id else None,
        actor_id=denied.actor_id,
        actor_role=denied.actor_role,
        outcome="denied",
        details=details,
    )
