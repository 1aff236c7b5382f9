"""Issue 13's bad input not pinned elsewhere: another citizen's document through the apply flow's event,
an expired share link through its URL, and a result for a dossier that is not approved through the
officer's desk and through an upload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select

from citizen_app.core import attachments, dossiers
from citizen_app.core.documents import desk, issuing, store
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.audit import AuditEvent
from citizen_app.db.models.documents import IssuedDocument
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.states.apply import ApplyState
from tests.unit.documents.test_document_routes import client, issued_to
from tests.unit.dossiers import helpers
from tests.unit.test_apply_state import go, start


def test_the_use_from_my_documents_event_refuses_another_citizens_document(engine: Engine) -> None:
    certificate_id, _serial, _raw = issued_to("an.nguyen")
    state, draft_id, raw = start("nhung.vo")
    go(state, raw, "add-documents")
    index = [slot.id for slot in state.slots].index("relationship_proof")
    assert all(choice.id != certificate_id for choice in state.slots[index].stored)  # never offered to her
    ApplyState.use_stored.fn(state, index, certificate_id)  # an event forged with an.nguyen's document id
    assert state.slots[index].error and state.slots[index].files == []
    with unit_of_work() as db:
        assert db.scalar(select(func.count(DossierAttachment.id)).where(DossierAttachment.dossier_id == draft_id)) == 0
        denied = db.scalar(select(AuditEvent).where(AuditEvent.action == "document.reuse",
                                                    AuditEvent.outcome == "denied"))
        assert denied is not None and denied.target_id == str(certificate_id)


def test_an_expired_share_link_is_refused_with_a_clear_page(engine: Engine) -> None:
    document_id, _serial, raw = issued_to("an.nguyen")
    user_id = _owner_of(document_id)
    with unit_of_work() as db:
        token, expires_at = store.share(db, user_id, document_id, now=utcnow() - timedelta(hours=1, seconds=5), hours=1)
    assert expires_at < utcnow()
    for locale, message in (("vi", "Đường liên kết đã hết hạn hoặc không tồn tại"),
                            ("en", "This link has expired or does not exist")):
        page = client().get(f"/s/{token}?lang={locale}")
        assert page.status_code == 404 and message in page.text and "%PDF" not in page.text
        assert page.headers["cache-control"] == "no-store"
    assert client(raw).get(f"/vi/documents/{document_id}").status_code == 200  # the document itself stays hers


def _owner_of(document_id: int) -> int:
    from citizen_app.db.models.documents import CitizenDocument

    with unit_of_work() as db:
        return db.get(CitizenDocument, document_id).owner_id


@pytest.mark.parametrize("status", ["submitted", "received", "processing", "rejected"])
def test_no_result_is_issued_for_a_dossier_that_is_not_approved(db_session, status: str) -> None:  # type: ignore[no-untyped-def]
    citizen = dossiers.Actor.citizen(helpers.make_user(db_session))
    procedure = helpers.terms(code="1.001193")  # birth registration: its result is a certificate
    draft = helpers.draft_with_file(db_session, citizen, procedure=procedure)
    dossier_id = helpers.submit(db_session, draft, citizen, procedure=procedure).dossier.id
    clerk = helpers.officer(db_session)
    path = {"submitted": (), "received": ("received",), "processing": ("received", "processing"),
            "rejected": ("received", "processing", "rejected")}[status]
    for target in path:
        note = "Thiếu giấy tờ" if target == "rejected" else None
        dossiers.fire(db_session, dossier_id, target, clerk, now=helpers.NOW, note=note)
    db_session.commit()
    code = db_session.get(Dossier, dossier_id).code
    with pytest.raises(issuing.ResultRefused):
        desk.reissue_result(db_session, clerk, code, now=helpers.NOW)
    with pytest.raises((dossiers.DossierError, attachments.AttachmentRejected)):
        attachments.add_attachment(db_session, dossier_id, clerk, slot_id="result", filename="kq.pdf",
                                   data=helpers.PDF, now=helpers.NOW)
    db_session.rollback()
    assert db_session.scalar(select(func.count(IssuedDocument.id))) == 0
