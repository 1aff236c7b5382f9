"""Rules that used to live in states and routes: the fee channel, who reads a dossier's documents,
storing picked files, and where to apply in person instead."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor, applying, readers
from citizen_app.core.dossiers.applying import Upload
from citizen_app.core.dossiers.submission import channel_for, fee_due
from citizen_app.core.i18n import get_translator
from citizen_app.ui.start_view import in_person
from tests.unit.dossiers.forms_fixtures import profile
from tests.unit.dossiers.helpers import NOW, PDF, jpeg, make_user, officer, submitted, terms


class Person:
    """A signed-in person as the routes see them (``AuthenticatedUser``'s shape)."""

    def __init__(self, user_id: int, roles: tuple[str, ...] = ("citizen",), unit: str | None = None) -> None:
        self.user_id, self.roles = user_id, roles
        self.unit_level, self.unit_code = ("commune", unit) if unit else (None, None)


def test_the_fee_follows_the_channel() -> None:
    procedure = terms()
    assert (channel_for(False), channel_for(True)) == ("online", "counter")
    assert fee_due(procedure, assisted=False) == 10_000 and fee_due(procedure, assisted=True) == 20_000


def test_the_applicant_reads_as_a_citizen_and_staff_as_staff(db_session: Session) -> None:
    citizen = Person(1)
    officer_person = Person(2, ("counter_officer",), "00008")
    assert readers.reader_for(citizen, applicant_id=1) == Actor.citizen(1)
    assert readers.reader_for(officer_person, applicant_id=1).role == "counter_officer"
    # An officer's own application: read as its applicant, so no refusal lands in the audit trail.
    assert readers.reader_for(officer_person, applicant_id=2) == Actor.citizen(2)
    assert readers.reader_for(Person(3), applicant_id=1) == Actor.citizen(3)  # refused by the core


def test_receipts_and_files_for_whoever_may_read_them(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    (file_id,) = [a.id for a in attachments.list_attachments(db_session, dossier_id, citizen)]
    code = dossiers.public_lookup(db_session, _code(db_session, dossier_id), "2345", now=NOW)
    assert code is not None
    applicant = Person(int(citizen.user_id or 0))
    desk_id = make_user(db_session, roles=("counter_officer",), unit_level="commune", unit_code="00008")
    stranger_id = make_user(db_session)
    db_session.commit()
    desk = Person(desk_id, ("counter_officer",), "00008")
    assert readers.receipt(db_session, code.code, applicant).code == code.code
    assert readers.receipt(db_session, code.code, desk).code == code.code
    assert readers.attachment(db_session, file_id, applicant).filename == "so-do.jpg"
    assert readers.attachment(db_session, file_id, desk, thumbnail=True).content_type == "image/jpeg"
    with pytest.raises(dossiers.AccessDenied):
        readers.receipt(db_session, code.code, Person(stranger_id))
    with pytest.raises(dossiers.AccessDenied):
        readers.attachment(db_session, file_id, Person(stranger_id))
    with pytest.raises(dossiers.DossierNotFound):
        readers.attachment(db_session, 999_999, applicant)


def _code(db: Session, dossier_id: int) -> str:
    dossier = dossiers.lifecycle.load(db, dossier_id)
    assert dossier.code is not None
    return dossier.code


def test_picked_files_are_stored_one_by_one_with_the_first_problem(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    db_session.commit()
    problem = applying.add_files(
        db_session, view.dossier_id, citizen, "other_documents",
        [Upload("a.jpg", jpeg()), Upload("empty.pdf", b""), Upload("b.pdf", PDF, "application/pdf")],
        max_files=3, now=NOW,
    )
    db_session.commit()
    assert problem is not None and problem.msgid
    stored = [a.original_name for a in attachments.list_attachments(db_session, view.dossier_id, citizen)]
    assert stored == ["a.jpg", "b.pdf"]  # the refused file did not stop the others
    assert applying.add_files(
        db_session, view.dossier_id, citizen, "other_documents", [Upload("c.jpg", jpeg())], max_files=3, now=NOW
    ) is None


def test_who_acts_on_a_draft(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    view = dossiers.start_draft(db_session, citizen, terms(), profile(), now=NOW)
    db_session.commit()
    acting = applying.who_acts(db_session, view.dossier_id, Person(int(citizen.user_id or 0)))
    assert acting == applying.Acting(applicant_id=citizen.user_id or 0, assisted=False)
    with pytest.raises(dossiers.DossierNotFound):
        applying.who_acts(db_session, 999_999, Person(1))
    assert officer(db_session).is_staff


def test_where_to_apply_in_person_instead() -> None:
    vi, en = get_translator("vi"), get_translator("en")
    known = applying.counter_alternative(terms(), profile())
    assert known.agency is not None and known.agency["vi"] == "Ủy ban nhân dân Phường Ngọc Hà"  # current address
    assert (known.fee_vnd, known.working_days) == (20_000, 5)
    where, costs = in_person(known, vi)
    assert where.startswith("Nộp hồ sơ tại Bộ phận Một cửa của Ủy ban nhân dân Phường Ngọc Hà")
    assert costs == "Nộp tại bộ phận một cửa: 20.000\xa0đ, 5 ngày làm việc."
    province = applying.counter_alternative(terms(level="province"), profile())
    assert province.agency is not None and province.agency["en"].startswith("Public Administration Service Centre")
    unknown = applying.counter_alternative(terms(), None)
    assert unknown.agency is None
    assert in_person(unknown, en)[0].startswith("Apply at the one-stop counter of the People's Committee of your")
    assert in_person(applying.counter_alternative(terms(level="province"), None), en)[0].startswith(
        "Apply at the Public Administration Service Centre"
    )
