"""Applying online for an index entry with the generic form, through the same core as a curated form:
draft, request in the citizen's words, documents, send, the receiving commune, receipt and the desk."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers, receipts
from citizen_app.core.catalog import Catalog, load_catalog
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.dossiers import Actor, ProcedureTerms
from citizen_app.core.dossiers.errors import ValidationFailed
from citizen_app.core.forms.partial import REQUEST_FIELD
from citizen_app.core.i18n import get_translator
from citizen_app.ui.receipt_view import receipt_view
from tests.unit.catalog.helpers import write_catalog
from tests.unit.dossiers.forms_fixtures import communes, profile
from tests.unit.dossiers.helpers import NAMES, NOW, jpeg, make_user, officer

LAND_CERTIFICATE = "1.013978"
REQUEST = "Tôi đề nghị cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho thửa đất số 12, tờ bản đồ số 5 của gia đình."


@pytest.fixture
def land_terms(tmp_path) -> ProcedureTerms:  # type: ignore[no-untyped-def]
    loaded = load_catalog(write_catalog(tmp_path / "services_catalog", []))
    row = IndexRow(
        LAND_CERTIFICATE,
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận lần đầu đối với hộ gia đình, cá nhân",
        "commune", "Cấp xã", "Đất đai", "bo-nong-nghiep-mt",
    )
    catalog = Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows([row], loaded.taxonomy))
    return ProcedureTerms.from_procedure(catalog.get(LAND_CERTIFICATE))


def send(db: Session, draft_id: int, citizen: Actor, terms: ProcedureTerms) -> dossiers.SubmissionResult:
    return dossiers.submit(
        db, draft_id, citizen, submission_key=str(uuid.uuid4()), terms=terms, profile=profile(), now=NOW,
        communes=communes, names=NAMES,
    )


def test_a_citizen_applies_for_an_index_entry_and_the_commune_where_she_lives_receives_it(
    db_session: Session, land_terms: ProcedureTerms
) -> None:
    citizen = Actor.citizen(make_user(db_session))
    draft = dossiers.start_draft(db_session, citizen, land_terms, profile(), now=NOW)
    db_session.commit()  # each request of the apply pages is its own transaction
    # Identity from sign-in: filled and locked; where she lives now from her profile (Phường Ngọc Hà).
    assert draft.answers["full_name"] == "Nguyễn Văn An" and "personal_id" in draft.locked
    assert draft.answers["current_address"]["commune_code"] == "00008"

    with pytest.raises(ValidationFailed) as missing:
        send(db_session, draft.dossier_id, citizen, land_terms)
    assert set(missing.value.errors) == {REQUEST_FIELD}  # the request, in her own words, is the one thing asked

    db_session.rollback()
    dossiers.save_draft(db_session, draft.dossier_id, citizen, {REQUEST_FIELD: REQUEST}, draft.form_version, now=NOW)
    attachments.add_attachment(
        db_session, draft.dossier_id, citizen, slot_id="supporting_documents", filename="so-do-thua-dat.jpg",
        data=jpeg(), declared_type="image/jpeg", slot_max_files=10, now=NOW,
    )
    result = send(db_session, draft.dossier_id, citizen, land_terms)
    db_session.commit()
    dossier = result.dossier
    assert dossier.status == "submitted" and dossier.code
    assert dossier.commune_code == "00008" and dossier.receiving_unit["vi"].endswith("Phường Ngọc Hà")
    assert dossier.answers[REQUEST_FIELD] == REQUEST
    # What the index does not say is not made up: no fee, no legal time; a date the officer confirms.
    assert dossier.fee_due_vnd is None and dossier.processing_days is None
    assert dossier.appointment_provisional and dossier.appointment_at is not None
    assert dossier.documents == [
        {"name": {"vi": "Giấy tờ kèm theo yêu cầu", "en": "Documents for your request"},
         "originals": 0, "copies": 0, "files": 1}
    ]

    # The same receipt as a curated form: code, QR link, and honest words for what is not known.
    slip = receipts.receipt_for(db_session, dossier.id, citizen)
    assert slip.code == dossier.code and slip.verification_url.startswith("http")
    english, vietnamese = receipt_view(slip, get_translator("en")), receipt_view(slip, get_translator("vi"))
    assert english.fee_due == "Set by the agency, if there is one: you pay it at the counter"
    assert english.processing_time.startswith("Not stated in the national list")
    assert english.appointment_note == "Provisional: the agency confirms the date when it receives your application"
    assert vietnamese.fee_due == "Do cơ quan thông báo (nếu có), nộp tại bộ phận một cửa"

    # The desk of that commune reads it; another commune's does not.
    ngoc_ha = officer(db_session, "00008")
    assert receipts.receipt_for(db_session, dossier.id, ngoc_ha).code == dossier.code
    with pytest.raises(dossiers.AccessDenied):
        receipts.receipt_for(db_session, dossier.id, officer(db_session, "00004"))
    received = dossiers.fire(db_session, dossier.id, "received", ngoc_ha, now=NOW)
    assert received.status == "received"


def test_without_a_current_address_the_permanent_one_picks_the_commune(
    db_session: Session, land_terms: ProcedureTerms
) -> None:
    citizen = Actor.citizen(make_user(db_session))
    draft = dossiers.start_draft(db_session, citizen, land_terms, profile(current_address=None), now=NOW)
    assert draft.answers.get("current_address") in (None, {})
    dossiers.save_draft(db_session, draft.dossier_id, citizen, {REQUEST_FIELD: REQUEST}, draft.form_version, now=NOW)
    result = dossiers.submit(
        db_session, draft.dossier_id, citizen, submission_key=str(uuid.uuid4()), terms=land_terms,
        profile=profile(current_address=None), now=NOW, communes=communes, names=NAMES,
    )
    assert result.dossier.commune_code == "00004"  # Phường Ba Đình, her permanent address
