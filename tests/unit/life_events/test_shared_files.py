"""The officers of a part read what the citizen attached once for the whole linked application (issue 12):
read only, labelled with where it came from, and only once their part has reached them. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers
from citizen_app.core.dossiers import Actor
from citizen_app.core.dossiers.staff_desk import desk_view
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.dossiers import Dossier, DossierAttachment
from citizen_app.ui.staff_view import desk_page
from tests.unit.dossiers.helpers import NOW, jpeg, make_user
from tests.unit.life_events.helpers import BABY, birth_group, fill, profile_of, registries, send, staff

PAPER = dossiers.ResultPickup("Bộ phận một cửa UBND phường Ba Đình", "Thứ Hai đến Thứ Sáu, 7:30–11:30")


def test_each_part_reads_the_documents_attached_once_for_the_group(db_session: Session) -> None:
    group = birth_group()
    mother, profile = Actor.citizen(make_user(db_session)), profile_of("thu.dang")
    with registries():
        draft_id = fill(db_session, group, mother, profile, {"relationship": "mother"},
                        {**BABY, "medical_certificate": "paper"})
        attachments.add_attachment(
            db_session, draft_id, mother, slot_id="birth_certificate", filename="giay-chung-sinh.jpg", data=jpeg(),
            declared_type="image/jpeg", slot_max_files=2, now=NOW,
        )
        umbrella = send(db_session, draft_id, group, mother, profile).dossier
    db_session.commit()
    parts = list(db_session.scalars(
        select(Dossier).where(Dossier.umbrella_id == umbrella.id).order_by(Dossier.chain_position)
    ))
    shared = attachments.list_attachments(db_session, umbrella.id, mother)
    assert [a.slot_id for a in shared] == ["birth_certificate"]
    file_id = shared[0].id
    commune, police = staff(db_session, "commune", "00004"), staff(db_session, "police", "00004")
    stranger = staff(db_session, "commune", "00008")
    db_session.commit()  # the refusals below roll back; the officers stay

    # The commune's officer (part 1, its turn now) sees it, with where it came from.
    view = desk_view(db_session, commune, parts[0].code or "", now=NOW)
    assert [f.id for f in view.shared_files] == [file_id] and view.files == ()
    page = desk_page(view, get_translator("en"))
    item = page.shared_files[0]
    assert item.file_url == f"/files/{file_id}" and item.document == "Medical birth certificate (paper)"
    assert item.origin.startswith(f"Attached once by the applicant to the linked application {umbrella.code}")
    assert not item.is_result
    assert attachments.open_attachment(db_session, file_id, commune).filename == "giay-chung-sinh.jpg"
    # Read only: the part's officer cannot remove it from the umbrella.
    with pytest.raises((dossiers.AccessDenied, dossiers.InvalidTransition)):
        attachments.remove_attachment(db_session, file_id, commune, now=NOW)
    db_session.rollback()

    # The police's part is still waiting: nothing of it yet, not even the shared file.
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, file_id, police)
    db_session.rollback()
    # Once the commune approves, the police's part starts and its officer reads the same file.
    later = NOW + timedelta(hours=2)
    for target in ("received", "processing", "approved", "result_ready"):
        dossiers.fire(db_session, parts[0].id, target, commune, now=later,
                      pickup=PAPER if target == "result_ready" else None)
    db_session.commit()
    police_view = desk_view(db_session, police, parts[1].code or "", now=later)
    assert [f.id for f in police_view.shared_files] == [file_id]
    # The birth certificate the commune's approval issued reached the police's part (and the insurance part)
    # from the mother's document store, as the reuse of a stored document does: kind, issuer, signature.
    handed = [f for f in police_view.files if f.slot_id == "handed_on"]
    assert len(handed) == 1 and handed[0].from_store is not None
    assert handed[0].from_store["kind"] == "birth_certificate" and handed[0].from_store["signature"] == "genuine"
    shown = next(f for f in desk_page(police_view, get_translator("en")).files if f.id == handed[0].id)
    assert shown.document == "Birth certificate"
    assert shown.origin.startswith("From the applicant's documents: Birth certificate, issued by ")
    assert shown.origin.endswith("signature valid")
    later_parts = select(DossierAttachment.dossier_id).where(DossierAttachment.slot_id == "handed_on")
    assert sorted(db_session.scalars(later_parts)) == sorted([parts[1].id, parts[2].id])
    assert attachments.open_attachment(db_session, file_id, police).size_bytes > 0
    # An officer of an agency with no part in it does not.
    with pytest.raises(dossiers.AccessDenied):
        attachments.open_attachment(db_session, file_id, stranger)
    db_session.rollback()
