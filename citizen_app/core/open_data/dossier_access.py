"""Dossiers over the open API: the public lookup (counted per client), and what partner systems may do.

The public lookup is the core's (``dossiers.public_lookup``: code + last four digits of the
applicant's ID number, no personal data) under the same per-client limit as the tracking page
(``rate_limit.LOOKUP``), so the API is no way around it.

A partner system acts as ``Actor.system()`` through the lifecycle's own functions
(``dossiers.fire``): the lifecycle decides which steps the system role may take (today:
receive, start processing, result ready, returned) and refuses the others. This adapter adds
one rule of its own: a partner reaches only the dossiers of its province, and any other
dossier is "not found", so codes cannot be probed across provinces.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from citizen_app.core import audit, dossiers, rate_limit
from citizen_app.core.dossiers import Actor, DossierNotFound
from citizen_app.core.open_data.clients import Partner
from citizen_app.core.statuses import facts
from citizen_app.db.models.dossiers import Dossier
from citizen_app.settings import Settings, get_settings

MAX_NOTE = 2000


@dataclass(frozen=True)
class LookupOutcome:
    """``found`` is None when the code and digits do not match; ``allowed`` False over the limit."""

    allowed: bool
    retry_after_seconds: int
    found: dossiers.PublicStatus | None


def counted_lookup(
    db: Session, code: str, pid_last4: str, *, client: str, now: datetime, settings: Settings | None = None
) -> LookupOutcome:
    """Count the attempt, then look up (nothing is looked up over the limit). Commit promptly."""
    settings = settings or get_settings()
    decision = rate_limit.hit(db, rate_limit.LOOKUP, client, limit=settings.lookup_rate_limit_per_minute, now=now)
    if not decision.allowed:
        return LookupOutcome(False, decision.retry_after_seconds, None)
    return LookupOutcome(True, 0, dossiers.public_lookup(db, code, pid_last4, now=now))


@dataclass(frozen=True)
class PartnerDossier:
    code: str
    status: str
    status_label: str  # message id, rendered by the caller
    procedure_code: str
    procedure_name: dict[str, str]
    agency_code: str
    receiving_unit: dict[str, str]
    channel: str
    received_at: datetime | None
    appointment_at: datetime | None
    finished_at: datetime | None
    overdue: bool
    # The statuses this partner could move it to now (the lifecycle's steps for the system role).
    next_statuses: tuple[str, ...]


def _open(db: Session, partner: Partner, code: str) -> Dossier:
    dossier = dossiers.open_by_code(db, code, Actor.system())
    if partner.province_code is None or dossier.province_code != partner.province_code:
        raise DossierNotFound(detail=f"{code} is not a dossier of {partner.client_id}'s province")
    return dossier


def _view(dossier: Dossier, now: datetime) -> PartnerDossier:
    return PartnerDossier(
        code=dossier.code or "",
        status=dossier.status,
        status_label=facts(dossier.status).label,
        procedure_code=dossier.procedure_code,
        procedure_name=dict(dossier.procedure_name or {}),
        agency_code=dossier.agency_code or "",
        receiving_unit=dict(dossier.receiving_unit or {}),
        channel=dossier.channel,
        received_at=dossier.received_at,
        appointment_at=dossier.appointment_at,
        finished_at=dossier.finished_at,
        overdue=dossiers.is_overdue(dossier, now),
        next_statuses=tuple(dossiers.allowed_targets(dossier, Actor.system())),
    )


def partner_dossier(db: Session, partner: Partner, code: str, *, now: datetime) -> PartnerDossier:
    partner.require("dossiers:read")
    return _view(_open(db, partner, code), now)


def push_status(
    db: Session, partner: Partner, code: str, status: str, *, note: str | None, now: datetime
) -> PartnerDossier:
    """Move a dossier of the partner's province to ``status`` through the lifecycle (which may refuse)."""
    partner.require("dossiers:status")
    dossier = _open(db, partner, code)
    previous = dossier.status
    moved = dossiers.fire(db, dossier.id, status, Actor.system(), now=now, note=(note or "")[:MAX_NOTE] or None)
    audit.record(
        db,
        action="api.dossier.status",
        target_type="dossier",
        target_id=str(moved.id),
        actor_id=partner.client_id,
        actor_role="partner",
        details={"code": moved.code, "from": previous, "to": moved.status},
    )
    return _view(moved, now)
