"""Ratings: 1–5 with an optional comment, once, only for a finished dossier, only by its applicant."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from citizen_app.core import dossiers, ratings
from citizen_app.core.dossiers import Actor
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.dossiers import Dossier
from citizen_app.db.models.tracking import DossierRating
from tests.unit.dossiers.helpers import NOW, make_user
from tests.unit.tracking.helpers import desk, submitted, to_result_ready


def finished(db: Session) -> tuple[int, Actor]:
    dossier_id, citizen = submitted(db)
    to_result_ready(db, dossier_id, citizen, desk(db), with_supplement=False)
    return dossier_id, citizen


def test_the_applicant_rates_a_finished_dossier_once(db_session: Session) -> None:
    dossier_id, citizen = finished(db_session)
    assert ratings.can_rate(db_session.get(Dossier, dossier_id), citizen)
    rating = ratings.rate(db_session, dossier_id, citizen, score=4, comment="  Nhanh, chu đáo  ", now=NOW)
    db_session.commit()
    assert (rating.score, rating.comment, rating.user_id) == (4, "Nhanh, chu đáo", citizen.user_id)
    assert ratings.rating_of(db_session, dossier_id, citizen).score == 4
    with pytest.raises(ratings.AlreadyRated):
        ratings.rate(db_session, dossier_id, citizen, score=5, now=NOW)
    db_session.rollback()
    assert db_session.scalars(select(DossierRating.score)).all() == [4]
    audit = db_session.scalars(select(AuditEvent.action).where(AuditEvent.action == "dossier.rate")).all()
    assert audit == ["dossier.rate"]


def test_the_database_refuses_a_second_rating_too(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two taps at once both pass the check; the unique dossier_id stops the second."""
    dossier_id, citizen = finished(db_session)
    db_session.add(DossierRating(dossier_id=dossier_id, user_id=citizen.user_id, score=3, created_at=NOW))
    db_session.flush()
    monkeypatch.setattr(db_session, "scalar", lambda *_a, **_k: None)  # the check saw nothing yet
    with pytest.raises(ratings.AlreadyRated):
        ratings.rate(db_session, dossier_id, citizen, score=5, now=NOW)
    db_session.rollback()


@pytest.mark.parametrize("score", [0, 6, -1, True, "5", 4.5])
def test_scores_outside_1_to_5_are_refused(db_session: Session, score: object) -> None:
    dossier_id, citizen = finished(db_session)
    with pytest.raises(ratings.InvalidScore):
        ratings.rate(db_session, dossier_id, citizen, score=score, now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("submitted", False), ("received", False), ("processing", False), ("supplement_requested", False),
        ("approved", False), ("result_ready", True), ("returned", True), ("rejected", True),
        ("withdrawn", False),
    ],
)
def test_only_finished_dossiers_can_be_rated(db_session: Session, status: str, allowed: bool) -> None:
    dossier_id, citizen = submitted(db_session)
    db_session.execute(update(Dossier).where(Dossier.id == dossier_id).values(status=status))
    db_session.commit()
    dossier = db_session.get(Dossier, dossier_id)
    db_session.refresh(dossier)
    assert ratings.can_rate(dossier, citizen) is allowed
    if allowed:
        assert ratings.rate(db_session, dossier_id, citizen, score=5, now=NOW).score == 5
    else:
        with pytest.raises(dossiers.InvalidTransition):
            ratings.rate(db_session, dossier_id, citizen, score=5, now=NOW)


def test_only_the_applicant_rates_and_refusals_are_audited(db_session: Session) -> None:
    dossier_id, _citizen = finished(db_session)
    stranger = Actor.citizen(make_user(db_session))
    staff = desk(db_session)
    for someone in (stranger, staff):
        assert not ratings.can_rate(db_session.get(Dossier, dossier_id), someone)
        with pytest.raises(dossiers.AccessDenied):
            ratings.rate(db_session, dossier_id, someone, score=1, now=NOW)
    with pytest.raises(dossiers.AccessDenied):
        ratings.rating_of(db_session, dossier_id, stranger)
    assert ratings.rating_of(db_session, dossier_id, staff) is None  # the agency may read its ratings
    db_session.rollback()
    denied = db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.outcome == "denied").order_by(AuditEvent.id)
    ).all()
    assert denied == ["dossier.rate", "dossier.rate", "dossier.rating.read"]
    assert db_session.scalars(select(DossierRating)).all() == []
