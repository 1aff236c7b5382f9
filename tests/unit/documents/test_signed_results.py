"""Signed results (issue 13): issued at approval, verified, revoked; bad input refused."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.documents import authority, issuing, signing, store
from citizen_app.core.documents.pdf import Row, Slip, render_slip
from citizen_app.db.models.documents import CitizenDocument, IssuedDocument
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from tests.unit.dossiers import helpers
from tests.unit.dossiers.helpers import NOW, PDF, officer

BIRTH = "1.001193"


def _approved(db: Session, code: str = BIRTH) -> tuple[int, dossiers.Actor, dossiers.Actor]:
    citizen = dossiers.Actor.citizen(helpers.make_user(db))
    procedure = helpers.terms(code=code)
    draft = helpers.draft_with_file(db, citizen, procedure=procedure)
    dossier_id = helpers.submit(db, draft, citizen, procedure=procedure).dossier.id
    desk = officer(db)
    for target in ("received", "processing", "approved"):
        dossiers.fire(db, dossier_id, target, desk, now=NOW)
    db.commit()
    return dossier_id, citizen, desk


def _result_bytes(db: Session, dossier_id: int) -> bytes:
    from citizen_app.core.storage import get_storage, key_for

    item = db.scalar(select(DossierAttachment).where(DossierAttachment.dossier_id == dossier_id,
                                                    DossierAttachment.stage == "result"))
    assert item is not None
    return get_storage().read(key_for(item.stored_name))


def test_approval_issues_a_signed_certificate_into_the_applicants_store(db_session: Session) -> None:
    dossier_id, citizen, _desk = _approved(db_session)
    entry = db_session.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
    assert entry is not None and entry.kind == "birth_certificate" and entry.origin == "generated"
    data = _result_bytes(db_session, dossier_id)
    assert signing.check(data).verdict == "genuine"
    assert issuing.check_file(db_session, entry.serial, data).verdict == "genuine"
    # The QR carries the verification address with the serial.
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert entry.serial in text and "/d/" in text
    held = store.held_documents(db_session, citizen.user_id)
    kinds = {d.kind: d for d in held}
    assert kinds["birth_certificate"].serial == entry.serial and not kinds["birth_certificate"].deletable
    # Her accepted upload is there too, as her own paper.
    assert any(d.origin == "accepted" for d in held)
    # The result requirement is met: the result can be marked ready without uploading anything.
    dossiers.fire(db_session, dossier_id, "result_ready", officer(db_session), now=NOW + timedelta(hours=1))


def test_the_public_status_shows_no_personal_data(db_session: Session) -> None:
    dossier_id, _citizen, _desk = _approved(db_session)
    entry = db_session.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
    status = issuing.public_status(db_session, entry.serial.lower().replace("-", ""))
    assert status.genuine and status.title["en"] == "Birth certificate"
    assert set(status.__dataclass_fields__) == {
        "verdict", "serial", "title", "issuer", "issued_at", "revoked_at", "revoked_reason", "signer_revoked"
    }
    assert issuing.public_status(db_session, "AAAA-BBBB-CCCC-DDDD").verdict == "unknown"
    assert issuing.public_status(db_session, "<script>").verdict == "unknown"


def test_a_pdf_altered_after_signing_fails_and_says_so(db_session: Session) -> None:
    dossier_id, _citizen, _desk = _approved(db_session)
    entry = db_session.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
    data = bytearray(_result_bytes(db_session, dossier_id))
    middle = len(data) // 3
    data[middle] = (data[middle] + 1) % 256
    assert signing.check(bytes(data)).verdict in ("altered", "unreadable")
    assert not issuing.check_file(db_session, entry.serial, bytes(data)).genuine
    # Bytes added after the signature are a change too.
    appended = _result_bytes(db_session, dossier_id) + b"\n% extra\n1 0 obj (x) endobj\n"
    assert not issuing.check_file(db_session, entry.serial, appended).genuine


def test_a_signature_by_an_unknown_certificate_is_not_trusted(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pdf = render_slip(Slip(lang="vi", title="Giấy khai sinh", issuer="X", motto=("A", "B"), reference_label="Số",
                           reference="1", rows=(Row("Họ và tên", "Nguyễn Văn An"),)))
    foreign = signing.seal(pdf, "H99999", "Somebody else")
    # A different authority: the app's keys folder starts afresh, so the first signer's root is unknown.
    from citizen_app.settings import get_settings

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "other"))
    get_settings.cache_clear()
    try:
        assert signing.check(foreign).verdict == "unknown_signer"
    finally:
        get_settings.cache_clear()
    assert signing.check(pdf).verdict == "unsigned"
    assert signing.check(b"%PDF-1.4 nonsense").verdict in ("unreadable", "unsigned")


def test_a_signature_by_a_revoked_certificate_fails(db_session: Session) -> None:
    dossier_id, _citizen, _desk = _approved(db_session)
    data = _result_bytes(db_session, dossier_id)
    dossier = db_session.get(Dossier, dossier_id)
    authority.revoke_agency_certificate(dossier.agency_code, "key compromised")
    assert signing.check(data).verdict == "revoked_signer"
    # The agency's next signature uses a fresh certificate, which verifies.
    fresh = signing.seal(PDF, dossier.agency_code, "Phường Ngọc Hà")
    assert signing.check(fresh).verdict == "genuine"


def test_an_officer_revokes_a_result_with_a_reason(db_session: Session) -> None:
    dossier_id, _citizen, desk = _approved(db_session)
    entry = db_session.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
    with pytest.raises(issuing.ResultRefused):
        issuing.revoke(db_session, entry, reason="  ", actor_id=desk.user_id, actor_role=desk.role, now=NOW)
    issuing.revoke(db_session, entry, reason="Sai ngày sinh", actor_id=desk.user_id, actor_role=desk.role, now=NOW)
    db_session.commit()
    status = issuing.public_status(db_session, entry.serial)
    assert status.verdict == "revoked" and status.revoked_reason == "Sai ngày sinh"
    with pytest.raises(issuing.ResultRefused):
        issuing.revoke(db_session, entry, reason="again", actor_id=desk.user_id, actor_role=desk.role, now=NOW)
    # A new certificate can then be issued for the same dossier.
    dossier = db_session.get(Dossier, dossier_id)
    again = issuing.issue_result(db_session, dossier, actor_id=desk.user_id, actor_role=desk.role, now=NOW)
    assert again.serial != entry.serial


def test_no_result_for_a_dossier_that_is_not_approved(db_session: Session) -> None:
    dossier_id, _citizen = helpers.submitted(db_session)
    dossier = db_session.get(Dossier, dossier_id)
    dossier.procedure_code = BIRTH
    with pytest.raises(issuing.ResultRefused):
        issuing.issue_result(db_session, dossier, actor_id=None, actor_role="system", now=NOW)
    assert db_session.scalar(select(IssuedDocument)) is None


def test_an_uploaded_result_is_sealed_at_upload(db_session: Session) -> None:
    dossier_id, citizen, desk = _approved(db_session, code="1.004859")  # not a certificate procedure
    assert db_session.scalar(select(IssuedDocument)) is None
    item = attachments.add_attachment(db_session, dossier_id, desk, slot_id="result", filename="kq.jpg",
                                      data=helpers.jpeg(), now=NOW)
    db_session.commit()
    assert item.content_type == "application/pdf" and item.original_name == "kq.pdf"
    data = _result_bytes(db_session, dossier_id)
    assert signing.check(data).verdict == "genuine"
    entry = db_session.scalar(select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id))
    assert entry is not None and entry.origin == "sealed"
    assert issuing.check_file(db_session, entry.serial, data).genuine
    assert any(d.serial == entry.serial for d in store.held_documents(db_session, citizen.user_id))


def test_the_store_entry_is_in_one_transaction_with_approval(db_session: Session) -> None:
    _dossier_id, citizen, _desk = _approved(db_session)
    count = len(db_session.scalars(select(CitizenDocument).where(CitizenDocument.owner_id == citizen.user_id)).all())
    assert count >= 2
