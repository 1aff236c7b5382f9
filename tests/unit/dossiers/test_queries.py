"""My applications, staff scopes, opening by code or QR token, the public lookup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import dossiers, receipts
from citizen_app.core.dossiers import Actor
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers import helpers
from tests.unit.dossiers.forms_fixtures import profile
from tests.unit.dossiers.helpers import NOW, make_user, officer, province_officer, terms


def test_my_applications(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    first, _ = helpers.submitted(db_session, citizen)
    second, _ = helpers.submitted(db_session, citizen)  # resumes nothing: the first draft was submitted
    dossiers.start_draft(db_session, citizen, terms(code="2.000635"), profile(), now=NOW)
    dossiers.withdraw(db_session, second, citizen, now=NOW)
    helpers.submitted(db_session)  # someone else's
    db_session.commit()
    mine = dossiers.applicant_dossiers(db_session, citizen)
    assert [d.procedure_code for d in mine.drafts] == ["2.000635"]
    assert [d.id for d in mine.in_progress] == [first]
    assert [d.id for d in mine.finished] == [second]
    with pytest.raises(dossiers.AccessDenied):
        dossiers.applicant_dossiers(db_session, officer(db_session))


def test_staff_scope(db_session: Session) -> None:
    commune_dossier, _ = helpers.submitted(db_session)
    citizen = Actor.citizen(make_user(db_session))
    procedure = terms(level="province", code="2.000635")
    draft_id = helpers.draft_with_file(db_session, citizen, procedure=procedure)
    province_dossier = helpers.submit(db_session, draft_id, citizen, procedure=procedure).dossier.id
    helpers.draft_with_file(db_session, Actor.citizen(make_user(db_session)))  # drafts are never in a queue
    db_session.commit()

    def queue(actor: Actor) -> list[int]:
        return list(
            db_session.scalars(select(Dossier.id).where(dossiers.staff_scope(actor)).order_by(Dossier.id))
        )

    assert queue(officer(db_session, "00008")) == [commune_dossier]
    assert queue(officer(db_session, "00004")) == []
    assert queue(province_officer(db_session, "01")) == [province_dossier]
    assert queue(province_officer(db_session, "79")) == []
    assert queue(Actor.citizen(1)) == []
    assert dossiers.staff_agency_code(officer(db_session, "00008")) == "008.00.20.H01"


def test_open_by_code_and_by_token(db_session: Session) -> None:
    dossier_id, _citizen = helpers.submitted(db_session)
    code = db_session.get(Dossier, dossier_id).code
    desk = officer(db_session)
    assert dossiers.open_by_code(db_session, code.lower(), desk).id == dossier_id
    token = receipts.sign_code(code)
    assert dossiers.open_by_token(db_session, token, desk).id == dossier_id
    with pytest.raises(dossiers.DossierNotFound):
        dossiers.open_by_token(db_session, token[:-2] + "xx", desk)
    with pytest.raises(dossiers.DossierNotFound):
        dossiers.open_by_code(db_session, "nonsense", desk)
    elsewhere = officer(db_session, "00004")
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        dossiers.open_by_code(db_session, code, elsewhere)


def test_public_lookup_needs_the_second_factor(db_session: Session) -> None:
    dossier_id, _ = helpers.submitted(db_session)
    dossier = db_session.get(Dossier, dossier_id)
    found = dossiers.public_lookup(db_session, dossier.code, "2345", now=NOW)
    assert found is not None and found.status == "submitted" and not found.overdue
    assert found.receiving_unit["vi"] == "Ủy ban nhân dân Phường Ngọc Hà"
    assert "Nguyễn" not in repr(found) and "0912" not in repr(found)
    late = dossiers.public_lookup(
        db_session, dossier.code, "2345", now=dossier.appointment_at + timedelta(hours=1)
    )
    assert late is not None and late.overdue
    for code, last4 in [
        (dossier.code, "9999"),
        (dossier.code, ""),
        (dossier.code, "23a5"),
        ("x", "2345"),
        (dossier.code.replace("0001", "0002"), "2345"),
    ]:
        assert dossiers.public_lookup(db_session, code, last4, now=NOW) is None
