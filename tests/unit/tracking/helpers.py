"""Citizens with contact details, and dossiers walked along the lifecycle, for the tracking tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.db.models.identity import UserProfile
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import NOW, jpeg, make_user, officer

STEP = timedelta(hours=1)


def citizen_with_email(
    db: Session, *, email: str | None = "an@example.vn", notify: bool = True, locale: str = "en"
) -> Actor:
    user_id = make_user(db)
    db.add(UserProfile(user_id=user_id, email=email, notify_email=notify, preferred_locale=locale))
    db.flush()
    return Actor.citizen(user_id)


def submitted(db: Session, citizen: Actor | None = None) -> tuple[int, Actor]:
    """A submitted dossier (committed), received by commune 00008's people's committee."""
    return helpers.submitted(db, citizen)


def desk(db: Session) -> Actor:
    """An officer of the receiving commune (00008)."""
    actor = officer(db, "00008")
    db.commit()
    return actor


def to_result_ready(db: Session, dossier_id: int, citizen: Actor, staff: Actor, *, with_supplement: bool = True) -> None:
    """submitted → received → processing (→ supplement and answer) → approved → result_ready, committed."""
    at = NOW
    for target in ("received", "processing"):
        at += STEP
        dossiers.fire(db, dossier_id, target, staff, now=at)
    db.commit()
    if with_supplement:
        at += STEP
        dossiers.request_supplement(
            db, dossier_id, staff, form=form(), fields=["reason"], attachments=["other_documents"],
            message="Bổ sung giấy xác nhận", now=at,
        )
        db.commit()
        at += STEP
        attachments.add_attachment(
            db, dossier_id, citizen, slot_id="other_documents", filename="xac-nhan.jpg", data=jpeg(),
            slot_max_files=3, now=at,
        )
        dossiers.respond_to_supplement(db, dossier_id, citizen, form=form(), answers={"reason": "work"}, now=at)
        db.commit()
    for target in ("approved", "result_ready"):
        at += STEP
        # A result must be on record before it is ready: here a paper one, to collect at the desk.
        pickup = dossiers.ResultPickup("Bộ phận một cửa", "Thứ Hai đến Thứ Sáu") if target == "result_ready" else None
        dossiers.fire(db, dossier_id, target, staff, now=at, pickup=pickup)
    db.commit()
