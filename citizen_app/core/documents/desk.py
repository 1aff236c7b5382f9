"""The officer's side of signed results (issue 13): the register entries of a dossier, revoking one with a
reason, and the postal item number of a result sent by post. Staff of the receiving agency only;
anyone else is refused and audited (``require_read``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.documents import issuing
from citizen_app.core.documents.store import record_postal_tracking
from citizen_app.core.dossiers.access import Actor, deny
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.queries import open_by_code
from citizen_app.core.dossiers.results import delivery_choice
from citizen_app.db.models.documents import IssuedDocument
from citizen_app.db.models.dossiers import Dossier


@dataclass(frozen=True)
class IssuedEntry:
    serial: str
    title: Mapping[str, str]
    origin: str  # generated | sealed
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str


@dataclass(frozen=True)
class ResultDesk:
    dossier_id: int
    code: str
    status: str
    delivery: str | None
    postal_tracking: str
    issued: tuple[IssuedEntry, ...]
    may_post: bool


def _open(db: Session, actor: Actor, code: str) -> Dossier:
    if not actor.is_staff:
        raise deny(db, action="result.desk", actor=actor, dossier_id=None, reason="not staff")
    return open_by_code(db, code, actor)


def result_desk(db: Session, actor: Actor, code: str) -> ResultDesk:
    dossier = _open(db, actor, code)
    entries = db.scalars(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier.id)
                         .order_by(IssuedDocument.id.desc()))
    return ResultDesk(
        dossier_id=dossier.id, code=dossier.code or "", status=dossier.status,
        delivery=delivery_choice(dossier.answers), postal_tracking=dossier.postal_tracking or "",
        issued=tuple(
            IssuedEntry(e.serial, dict(e.title or {}), e.origin, e.issued_at, e.revoked_at, e.revoked_reason or "")
            for e in entries
        ),
        may_post=dossier.status in issuing.ISSUABLE,
    )


def revoke_result(db: Session, actor: Actor, code: str, serial: str, reason: str, *, now: datetime) -> IssuedEntry:
    """Revoke one of this dossier's results; the public page then says so, with the reason."""
    dossier = _open(db, actor, code)
    entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial,
                                                   IssuedDocument.dossier_id == dossier.id))
    if entry is None:
        raise DossierNotFound(detail=f"no result {serial} on {code}")
    issuing.revoke(db, entry, reason=reason, actor_id=actor.user_id, actor_role=actor.role, now=now)
    return IssuedEntry(entry.serial, dict(entry.title or {}), entry.origin, entry.issued_at, entry.revoked_at,
                       entry.revoked_reason or "")


def reissue_result(db: Session, actor: Actor, code: str, *, now: datetime) -> str:
    """A new signed certificate after a revocation (certificate procedures); its serial."""
    dossier = _open(db, actor, code)
    return issuing.issue_result(db, dossier, actor_id=actor.user_id, actor_role=actor.role, now=now).serial


def record_post(db: Session, actor: Actor, code: str, number: str, *, now: datetime) -> str:
    dossier = _open(db, actor, code)
    return record_postal_tracking(db, dossier.id, actor, number, now=now)
