"""Reading dossiers: "My applications", opening one by code or QR token, the public lookup.

Every function checks who asks. Staff see the dossiers of the agency they work
for (:func:`staff_scope`, usable in any query); citizens see their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import Session

from citizen_app.core.agencies import agency_of_unit
from citizen_app.core.codes import InvalidDossierCode, normalize_code_input, parse_dossier_code
from citizen_app.core.dossiers.access import Actor, deny, require_read
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.lifecycle import is_overdue
from citizen_app.core.dossiers.milestones import milestones
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.receipt_tokens import verify_token
from citizen_app.core.statuses import IN_PROGRESS, NOT_FOR_AGENCY, StatusFacts, facts
from citizen_app.db.models.dossiers import Dossier

MSG_NOT_GENUINE = N_("This receipt is not genuine")


@dataclass(frozen=True)
class MyApplications:
    drafts: list[Dossier]
    in_progress: list[Dossier]
    finished: list[Dossier]


def applicant_dossiers(db: Session, actor: Actor, *, limit: int = 200) -> MyApplications:
    """The citizen's own dossiers, most recently touched first, split the way the page shows them."""
    if actor.role != "citizen" or actor.user_id is None:
        raise deny(db, action="dossier.list", actor=actor, dossier_id=None, reason="not a citizen")
    rows = list(
        db.scalars(
            select(Dossier)
            .where(Dossier.applicant_id == actor.user_id)
            .order_by(Dossier.last_touched_at.desc(), Dossier.id.desc())
            .limit(limit)
        )
    )
    return MyApplications(
        drafts=[d for d in rows if d.status == "draft"],
        in_progress=[d for d in rows if d.status in IN_PROGRESS],
        finished=[d for d in rows if d.status not in IN_PROGRESS and d.status != "draft"],
    )


def staff_agency_code(actor: Actor, province_of: Callable[[str], str | None] | None = None) -> str | None:
    """The receiving-agency code of a staff member's unit (``User.unit_level``/``unit_code``), or None."""
    if not actor.is_staff or not actor.unit_code:
        return None
    if actor.unit_level in ("province", "social_insurance"):
        found = agency_of_unit(actor.unit_level, actor.unit_code, None)
        return found.code if found else None
    if actor.unit_level in ("commune", "police"):
        if province_of is None:
            from citizen_app.core import admin_units

            def province_of(code: str) -> str | None:
                commune = admin_units.get_admin_units().commune(code)
                return commune.province_code if commune else None

        province = province_of(actor.unit_code)
        found = agency_of_unit(actor.unit_level, actor.unit_code, province) if province else None
        return found.code if found else None
    return None


def staff_scope(actor: Actor, province_of: Callable[[str], str | None] | None = None) -> ColumnElement[bool]:
    """SQL condition for queues: submitted dossiers received by this staff member's agency, else nothing.

    It filters on ``agency_code``, the first column of the queue index
    (agency, status, appointment).
    """
    code = staff_agency_code(actor, province_of)
    if code is None:
        return false()
    return and_(Dossier.agency_code == code, Dossier.status.not_in(NOT_FOR_AGENCY))


def open_by_code(db: Session, code: str, actor: Actor) -> Dossier:
    """A dossier by its code, typed at the desk or read from the receipt (the reader must be allowed)."""
    try:
        parsed = parse_dossier_code(code)
    except InvalidDossierCode as problem:
        raise DossierNotFound(detail=str(problem)) from problem
    dossier = db.scalar(select(Dossier).where(Dossier.code == str(parsed)))
    if dossier is None:
        raise DossierNotFound(detail=f"no dossier {normalize_code_input(code)}")
    require_read(db, actor, dossier, action="dossier.open")
    return dossier


def open_by_token(db: Session, token: str, actor: Actor) -> Dossier:
    """A dossier from its receipt QR: the signature is checked first, then the reader."""
    code = verify_token(token)
    if code is None:
        raise DossierNotFound(Msg(MSG_NOT_GENUINE), detail="receipt token not genuine")
    return open_by_code(db, code, actor)


@dataclass(frozen=True)
class PublicStatus:
    """The public lookup (code + last four digits of the applicant's ID number): no personal data."""

    code: str
    procedure_name: dict[str, str]
    receiving_unit: dict[str, str]
    status: str
    # Sent (the submission), and received by the agency: None until an officer has received it.
    sent_at: datetime | None
    received_at: datetime | None
    appointment_at: datetime | None
    overdue: bool

    @property
    def status_facts(self) -> StatusFacts:
        return facts(self.status)


def public_lookup(db: Session, code: str, pid_last4: str, *, now: datetime) -> PublicStatus | None:
    """None unless both the code and the second factor match (the caller rate-limits per IP)."""
    try:
        parsed = str(parse_dossier_code(code))
    except InvalidDossierCode:
        return None
    second = (pid_last4 or "").strip()
    if len(second) != 4 or not second.isdigit():
        return None
    dossier = db.scalar(select(Dossier).where(Dossier.code == parsed))
    if dossier is None or dossier.applicant_pid_last4 != second:
        return None
    moments = milestones(db, dossier.id, dossier.received_at)
    return PublicStatus(
        code=parsed,
        procedure_name=dict(dossier.procedure_name or {}),
        receiving_unit=dict(dossier.receiving_unit or {}),
        status=dossier.status,
        sent_at=moments.sent_at,
        received_at=moments.received_at,
        appointment_at=dossier.appointment_at,
        overdue=is_overdue(dossier, now),
    )
