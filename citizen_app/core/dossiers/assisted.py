"""Assisted submission at the counter: an officer fills in a citizen's application with them.

The draft belongs to the citizen (``applicant_id``) and records the officer as registrar,
channel ``counter`` (:func:`~citizen_app.core.dossiers.drafts.start_draft`). The apply-online
pages serve both cases; :func:`acting_on` tells them who is acting on a draft: the applicant,
or the officer who registered it (whose actions then go through the core as staff).
Prefill always comes from the *applicant's* profile, never the officer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.dossiers.access import Actor, UserLike, deny
from citizen_app.core.dossiers.drafts import DraftView, start_draft
from citizen_app.core.dossiers.errors import DossierNotFound
from citizen_app.core.dossiers.queries import staff_agency_code
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.identity.profile import FoundCitizen, find_citizen_by_personal_id, load_profile_view
from citizen_app.db.models.dossiers import Dossier


@dataclass(frozen=True)
class Acting:
    actor: Actor
    applicant_id: int
    assisted: bool


def acting_on(db: Session, dossier_id: int, user: UserLike) -> Acting:
    """The applicant acts for themselves; the officer recorded as registrar acts as staff for the applicant."""
    row = db.execute(
        select(Dossier.applicant_id, Dossier.registrar_id).where(Dossier.id == dossier_id)
    ).one_or_none()
    if row is None:
        raise DossierNotFound(detail=f"dossier {dossier_id}")
    applicant_id, registrar_id = row
    staff = any(role in ("counter_officer", "supervisor") for role in user.roles)
    if staff and registrar_id == user.user_id and applicant_id != user.user_id:
        return Acting(actor=desk_actor(user), applicant_id=applicant_id, assisted=True)
    return Acting(actor=Actor.citizen(user.user_id), applicant_id=user.user_id, assisted=False)


def find_applicant(db: Session, actor: Actor, personal_id: str) -> FoundCitizen | None:
    """The citizen the desk is helping, by ID number (people who have signed in once); staff only."""
    if not actor.is_staff:
        raise deny(db, action="staff.assist.find", actor=actor, dossier_id=None, reason="not staff")
    found = find_citizen_by_personal_id(db, personal_id)
    digits = "".join(ch for ch in personal_id if ch.isdigit())
    audit.record(
        db,
        action="staff.assist.find",
        target_type="user",
        target_id=str(found.user_id) if found else None,
        actor_id=actor.audit_id,
        actor_role=actor.role,
        # Never the whole number in the trail: the last digits say enough to trace a mistake.
        details={"pid_last4": digits[-4:], "found": found is not None},
    )
    return found


def start_assisted(
    db: Session, actor: Actor, terms: ProcedureTerms, applicant_id: int, *, now: datetime
) -> DraftView:
    """Start (or resume) the citizen's draft at the desk, prefilled from the citizen's own profile."""
    if not actor.is_staff or staff_agency_code(actor) is None:
        raise deny(db, action="dossier.start", actor=actor, dossier_id=None, reason="not a desk")
    profile = load_profile_view(db, applicant_id)
    return start_draft(db, actor, terms, profile, now=now, applicant_id=applicant_id)
