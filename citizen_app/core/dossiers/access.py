"""Who is acting on a dossier, and what they may see.

Pages build an :class:`Actor` from the signed-in user (``AuthenticatedUser`` or
anything with ``user_id``, ``roles``, ``unit_level``, ``unit_code``): citizen pages
act as the citizen, staff pages as their staff role. Every refusal is written to
the audit trail in its own transaction, so it survives the caller's rollback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.agencies import InvalidAgencyCode, parse_agency_code
from citizen_app.core.dossiers.errors import AccessDenied
from citizen_app.core.i18n import Msg
from citizen_app.db.engine import sqlite_busy_ms
from citizen_app.db.models.dossiers import Dossier

log = logging.getLogger(__name__)

Role = Literal["citizen", "counter_officer", "supervisor", "system"]
STAFF_ROLES: frozenset[str] = frozenset({"counter_officer", "supervisor"})


class UserLike(Protocol):
    user_id: int
    roles: Sequence[str]
    unit_level: str | None
    unit_code: str | None


@dataclass(frozen=True)
class Actor:
    role: Role
    user_id: int | None = None
    unit_level: str | None = None
    unit_code: str | None = None

    @classmethod
    def citizen(cls, user: UserLike | int) -> Actor:
        return cls(role="citizen", user_id=user if isinstance(user, int) else user.user_id)

    @classmethod
    def staff(cls, user: UserLike, role: str | None = None) -> Actor:
        """The user in a staff role (their highest unless named); refused if they do not hold it."""
        held = [r for r in user.roles if r in STAFF_ROLES]
        if role is None:
            role = "supervisor" if "supervisor" in held else (held[0] if held else None)
        if role is None or role not in held:
            raise AccessDenied(detail=f"user {user.user_id} does not hold the staff role {role!r}")
        return cls(role=role, user_id=user.user_id, unit_level=user.unit_level, unit_code=user.unit_code)  # type: ignore[arg-type]

    @classmethod
    def system(cls) -> Actor:
        return cls(role="system")

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def audit_id(self) -> str | None:
        return str(self.user_id) if self.user_id is not None else None


def serves(actor: Actor, dossier: Dossier) -> bool:
    """Whether a staff actor works for the agency that received (or will receive) the dossier."""
    if not actor.is_staff or not dossier.agency_code:
        return False
    try:
        agency = parse_agency_code(dossier.agency_code)
    except InvalidAgencyCode:
        return False
    return agency.served_by(actor.unit_level, actor.unit_code)


def can_read(actor: Actor, dossier: Dossier) -> bool:
    if actor.role == "system":
        return True
    if actor.role == "citizen":
        return actor.user_id is not None and dossier.applicant_id == actor.user_id
    if dossier.status == "draft":
        # A draft is the citizen's own business, unless an officer is filling it in with them at the counter.
        return actor.user_id is not None and dossier.registrar_id == actor.user_id
    return serves(actor, dossier)


def record_denial(
    db: Session,
    *,
    action: str,
    actor: Actor,
    target_type: str,
    target_id: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write ``outcome="denied"`` in a separate transaction: the caller will roll back its own."""
    bind = db.get_bind()
    engine = getattr(bind, "engine", bind)
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as connection:
            if sqlite:
                # If the caller holds SQLite's write lock, do not wait 30 s for it: fall back below.
                connection.exec_driver_sql("PRAGMA busy_timeout = 2000")
                connection.commit()
            try:
                with Session(bind=connection) as side:
                    if not audit.denial_admitted(side, actor.audit_id):
                        side.commit()
                        return
                    audit.record(
                        side,
                        action=action,
                        target_type=target_type,
                        target_id=target_id,
                        actor_id=actor.audit_id,
                        actor_role=actor.role,
                        outcome="denied",
                        details=details or {},
                    )
                    side.commit()
            finally:
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {sqlite_busy_ms()}")
                    connection.commit()
    except Exception:
        # The denial must be recorded somewhere, whatever went wrong with the side transaction.
        log.warning("could not record a denial in its own transaction; adding it to the caller's", exc_info=True)
        audit.record(
            db,
            action=action,
            target_type=target_type,
            target_id=target_id,
            actor_id=actor.audit_id,
            actor_role=actor.role,
            outcome="denied",
            details=details or {},
        )


def deny(
    db: Session,
    *,
    action: str,
    actor: Actor,
    dossier_id: int | None,
    reason: str,
    message: Msg | None = None,
) -> AccessDenied:
    """Record the refusal and return the exception for the caller to raise."""
    record_denial(
        db,
        action=action,
        actor=actor,
        target_type="dossier",
        target_id=str(dossier_id) if dossier_id is not None else None,
        details={"reason": reason},
    )
    return AccessDenied(message, detail=f"{action} on dossier {dossier_id} denied to {actor.role}: {reason}")


def require_read(db: Session, actor: Actor, dossier: Dossier, action: str = "dossier.read") -> None:
    if not can_read(actor, dossier):
        reason = "not the applicant or the receiving agency"
        raise deny(db, action=action, actor=actor, dossier_id=dossier.id, reason=reason)
