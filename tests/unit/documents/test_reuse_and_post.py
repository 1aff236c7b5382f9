"""Reuse of a stored document in a later application, the desk's view of it, and results by post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.documents import desk, store
from citizen_app.core.dossiers import staff_desk
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.documents import CitizenDocument
from citizen_app.db.models.dossiers import Dossier
from citizen_app.ui.staff_view import store_origin
from tests.unit.dossiers import helpers
from tests.unit.dossiers.helpers import NOW, officer

BIRTH = "1.001193"


def _mother_with_certificate(db: Session) -> tuple[dossiers.Actor, int, int]:
    """(the mother, her birth certificate's store id, the approved dossier id)."""
    mother = dossiers.Actor.citizen(helpers.make_user(db))
    procedure = helpers.terms(code=BIRTH)
    draft = helpers.draft_with_file(db, mother, procedure=procedure)
    dossier_id = helpers.submit(db, draft, mother, procedure=procedure).dossier.id
    clerk = officer(db)
    for target in ("received", "processing", "approved"):
        dossiers.fire(db, dossier_id, target, clerk, now=NOW)
    db.commit()
    certificate = db.scalar(select(CitizenDocument).where(CitizenDocument.owner_id == mother.user_id,
                                                          CitizenDocument.kind == "birth_certificate"))
    assert certificate is not None
    return mother, certificate.id, dossier_id


def _new_draft(db: Session, citizen: dossiers.Actor) -> int:
    view = dossiers.start_draft(db, citizen, helpers.terms(), helpers.profile(), now=NOW)
    return view.dossier_id


def test_a_slot_offers_what_she_holds_and_takes_it_without_upload(db_session: Session) -> None:
    mother, certificate_id, _ = _mother_with_certificate(db_session)
    draft = _new_draft(db_session, mother)
    today = NOW.date()
    offered = store.slot_choices(db_session, draft, mother.user_id, ["relationship_proof", "floor_area_proof"], today)
    assert [d.id for d in offered["relationship_proof"]] == [certificate_id] and "floor_area_proof" not in offered
    item = store.use_from_store(db_session, draft, mother, slot_id="relationship_proof", document_id=certificate_id,
                                slot_max_files=3, now=NOW)
    db_session.commit()
    assert item.stage == "draft" and item.from_store["signature"] == "genuine"
    assert item.from_store["kind"] == "birth_certificate"
    # Offered once only.
    assert store.slot_choices(db_session, draft, mother.user_id, ["relationship_proof"], today) == {}
    # The desk sees where it came from, with the issuer and the signature.
    text = store_origin(item.from_store, get_translator("en"))
    assert "Birth certificate" in text and "signature valid" in text


def test_a_slot_refuses_a_kind_it_does_not_accept(db_session: Session) -> None:
    mother, certificate_id, _ = _mother_with_certificate(db_session)
    draft = _new_draft(db_session, mother)
    with pytest.raises(attachments.AttachmentRejected):
        store.use_from_store(db_session, draft, mother, slot_id="floor_area_proof", document_id=certificate_id,
                             slot_max_files=3, now=NOW)


def test_another_citizens_document_cannot_be_reused_or_read(db_session: Session) -> None:
    _mother, certificate_id, _ = _mother_with_certificate(db_session)
    stranger = dossiers.Actor.citizen(helpers.make_user(db_session))
    draft = _new_draft(db_session, stranger)
    with pytest.raises(store.DocumentNotFound):
        store.use_from_store(db_session, draft, stranger, slot_id="relationship_proof", document_id=certificate_id,
                             slot_max_files=3, now=NOW)
    for call in (store.held_document, store.open_document, store.delete_document):
        with pytest.raises(store.DocumentNotFound):
            call(db_session, stranger.user_id, certificate_id)
    with pytest.raises(store.DocumentNotFound):
        store.share(db_session, stranger.user_id, certificate_id, now=NOW)
    assert store.held_documents(db_session, stranger.user_id) == []


def test_a_draft_of_someone_else_cannot_take_her_document(db_session: Session) -> None:
    mother, certificate_id, _ = _mother_with_certificate(db_session)
    stranger = dossiers.Actor.citizen(helpers.make_user(db_session))
    draft = _new_draft(db_session, stranger)
    with pytest.raises(dossiers.AccessDenied):
        store.use_from_store(db_session, draft, mother, slot_id="relationship_proof", document_id=certificate_id,
                             slot_max_files=3, now=NOW)


def test_a_revoked_or_expired_document_is_not_offered(db_session: Session) -> None:
    mother, certificate_id, dossier_id = _mother_with_certificate(db_session)
    code = db_session.get(Dossier, dossier_id).code
    clerk = officer(db_session)
    serial = desk.result_desk(db_session, clerk, code).issued[0].serial
    desk.revoke_result(db_session, clerk, code, serial, "Sai họ tên", now=NOW)
    draft = _new_draft(db_session, mother)
    assert store.slot_choices(db_session, draft, mother.user_id, ["relationship_proof"], NOW.date()) == {}
    held = store.held_document(db_session, mother.user_id, certificate_id)
    assert held.revoked and held.revoked_reason == "Sai họ tên"


def test_the_officer_records_the_postal_item_number_and_the_citizen_sees_it(db_session: Session) -> None:
    mother, _certificate, dossier_id = _mother_with_certificate(db_session)
    code = db_session.get(Dossier, dossier_id).code
    clerk = officer(db_session)
    with pytest.raises(dossiers.ValidationFailed):
        desk.record_post(db_session, clerk, code, "12", now=NOW)
    assert desk.record_post(db_session, clerk, code, " eb 123 456 789 vn ", now=NOW) == "EB123456789VN"
    db_session.commit()
    from citizen_app.core.dossiers.citizen_view import citizen_view

    view = citizen_view(db_session, code, mother, NOW + timedelta(hours=1))
    assert view.postal_tracking == "EB123456789VN"
    # Another unit's officer, and a citizen, are refused.
    with pytest.raises(dossiers.AccessDenied):
        desk.record_post(db_session, officer(db_session, "00004"), code, "EB999999999VN", now=NOW)
    with pytest.raises(dossiers.AccessDenied):
        desk.record_post(db_session, mother, code, "EB999999999VN", now=NOW)


def test_the_desk_lists_files_with_their_store_origin(db_session: Session) -> None:
    mother, certificate_id, _ = _mother_with_certificate(db_session)
    procedure = helpers.terms()
    draft = helpers.draft_with_file(db_session, mother, procedure=procedure)
    store.use_from_store(db_session, draft, mother, slot_id="relationship_proof", document_id=certificate_id,
                         slot_max_files=3, now=NOW)
    code = helpers.submit(db_session, draft, mother, procedure=procedure).dossier.code
    db_session.commit()
    view = staff_desk.desk_view(db_session, officer(db_session), code, now=NOW)
    origins = [f.from_store for f in view.files if f.from_store]
    assert len(origins) == 1 and origins[0]["document"] == certificate_id
