"""Satisfaction ratings: the applicant rates a finished dossier once, 1 to 5, with an optional comment.

"Finished" means the agency has done its part, what the status table counts as resolved
(``core.statuses.RESOLVED``): the result is ready or returned, or the dossier was rejected (a
rejection is a service too, and its rating matters most). A withdrawn dossier cannot be rated:
the citizen stopped it before the agency worked on it.

The supervisor dashboard reads ``dossier_ratings`` directly (one row per dossier).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.dossiers.access import Actor, can_read, deny
from citizen_app.core.dossiers.errors import DossierError, InvalidTransition
from citizen_app.core.dossiers.lifecycle import load
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.statuses import RESOLVED
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.tracking import DossierRating

# The dashboard counts the ratings of resolved dossiers: the same set, from the same table.
RATEABLE: frozenset[str] = RESOLVED
SCORES: tuple[int, ...] = (1, 2, 3, 4, 5)
MAX_COMMENT_LENGTH = 1000

MSG_NOT_FINISHED = N_("You can rate the service once your application is finished")


class AlreadyRated(DossierError):
    default = N_("You have already rated this application")


class InvalidScore(DossierError):
    default = N_("Choose a score from 1 to 5")


def _is_applicant(actor: Actor, dossier: Dossier) -> bool:
    return actor.role == "citizen" and actor.user_id is not None and dossier.applicant_id == actor.user_id


def can_rate(dossier: Dossier, actor: Actor) -> bool:
    """Whether the page should offer the rating (the applicant, a finished dossier); not whether it is rated."""
    return _is_applicant(actor, dossier) and dossier.status in RATEABLE


def rating_of(db: Session, dossier_id: int, actor: Actor) -> DossierRating | None:
    """The dossier's rating, for its applicant or staff of its agency (others are refused and audited)."""
    dossier = load(db, dossier_id)
    if not can_read(actor, dossier):
        raise deny(db, action="dossier.rating.read", actor=actor, dossier_id=dossier.id, reason="not allowed")
    return db.scalar(select(DossierRating).where(DossierRating.dossier_id == dossier_id))


def rate(
    db: Session, dossier_id: int, actor: Actor, *, score: int, comment: str | None = None, now: datetime
) -> DossierRating:
    """Record the applicant's rating (caller's transaction). Once per dossier, only when finished."""
    dossier = load(db, dossier_id)
    if not _is_applicant(actor, dossier):
        raise deny(db, action="dossier.rate", actor=actor, dossier_id=dossier.id, reason="not the applicant")
    if dossier.status not in RATEABLE:
        raise InvalidTransition(Msg(MSG_NOT_FINISHED), detail=f"rating a {dossier.status} dossier")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise InvalidScore(detail=f"score {score!r}")
    if db.scalar(select(DossierRating.id).where(DossierRating.dossier_id == dossier_id)) is not None:
        raise AlreadyRated(detail=f"dossier {dossier_id} already rated")
    text = (comment or "").strip()[:MAX_COMMENT_LENGTH] or None
    rating = DossierRating(dossier_id=dossier.id, user_id=actor.user_id, score=score, comment=text, created_at=now)
    db.add(rating)
    try:
        db.flush()
    except IntegrityError as problem:
        # Two taps at once: the unique dossier_id refuses the second (the caller's transaction rolls back).
        raise AlreadyRated(detail=f"dossier {dossier_id} already rated") from problem
    audit.record(
        db,
        action="dossier.rate",
        target_type="dossier",
        target_id=str(dossier.id),
        actor_id=actor.audit_id,
        actor_role=actor.role,
        details={"score": score, "comment": text is not None},
    )
    return rating
