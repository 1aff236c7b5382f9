"""The app's own housekeeping purges stale drafts with their files, and keeps fresh ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.housekeeping import run_housekeeping
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers.forms_fixtures import profile
from tests.unit.dossiers.helpers import NOW, jpeg, make_user, stored_files, terms


def test_drafts_untouched_past_the_retention_go_with_their_files(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    stale = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW).dossier_id
    item = attachments.add_attachment(
        db_session,
        stale,
        citizen,
        slot_id="proof_of_residence",
        filename="a.jpg",
        data=jpeg(),
        slot_max_files=2,
        now=NOW,
    )
    db_session.commit()
    paths = stored_files([item])
    assert all(path.exists() for path in paths)

    report = run_housekeeping(NOW + timedelta(days=29))  # within the default 30 days: kept
    assert report.drafts == 0
    assert db_session.get(Dossier, stale) is not None

    report = run_housekeeping(NOW + timedelta(days=31))
    assert (report.drafts, report.files >= 1) == (1, True)
    db_session.expire_all()
    assert db_session.scalars(select(Dossier).where(Dossier.id == stale)).first() is None
    assert not any(path.exists() for path in paths)
