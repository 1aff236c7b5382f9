"""The tracking screens' view models: wording in both languages, what is shown and what is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers, notifications
from citizen_app.core.attachments import RESULT_SLOT
from citizen_app.core.i18n import get_translator
from citizen_app.db.models.dossiers import Dossier
from citizen_app.states.tracking.views import (
    application_rows,
    code_from_path,
    draft_rows,
    file_rows,
    latest_apology,
    notification_rows,
    split_files,
    tag_class,
    timeline_rows,
)
from tests.unit.dossiers.helpers import NOW, PDF, draft_with_file, terms
from tests.unit.tracking.helpers import STEP, desk, submitted

VI, EN = get_translator("vi"), get_translator("en")


def test_code_from_path() -> None:
    assert code_from_path("/vi/applications/000.00.01.H26-261116-0001") == "000.00.01.H26-261116-0001"
    assert code_from_path("/en/applications/000.00.01.H26-261116-0001?x=1") == "000.00.01.H26-261116-0001"
    assert code_from_path("/vi/applications/a%2Fb") == "a/b"  # the core then finds nothing
    assert code_from_path("/vi/applications") == ""
    assert code_from_path("/vi/apply/12") == ""


def test_tags_colour_what_needs_the_citizen_and_the_outcomes() -> None:
    assert tag_class("supplement_requested") == "tag tag-warning"
    assert tag_class("result_ready") == "tag tag-success"
    assert tag_class("rejected") == "tag tag-error"
    assert tag_class("processing") == "tag"


def test_rows_of_my_applications(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW + STEP)
    draft_id = draft_with_file(db_session, citizen, procedure=terms(code="2.000635"))
    db_session.commit()
    mine = dossiers.applicant_dossiers(db_session, citizen)
    dossier = db_session.get(Dossier, dossier_id)

    (draft,) = draft_rows(mine.drafts, VI)
    assert draft.id == draft_id and draft.continue_href == f"/vi/apply/{draft_id}"
    assert draft.procedure == "Đăng ký thường trú" and draft.saved.startswith("Lưu lần cuối lúc ")

    unread = notifications.unread_by_dossier(db_session, citizen.user_id)
    assert unread == {dossier_id: 1}
    (row,) = application_rows(mine.in_progress, EN, NOW, unread)
    assert (row.code, row.status, row.status_text, row.unread) == (dossier.code, "received", "Received", 1)
    assert row.href == f"/en/applications/{dossier.code}"
    assert row.procedure == "Permanent residence registration"
    assert row.due.startswith("Result due ") and not row.overdue
    late = application_rows(mine.in_progress, VI, dossier.appointment_at + timedelta(days=1))[0]
    assert late.overdue and late.unread == 0


def test_timeline_newest_first_with_roles_notes_and_the_delay(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW + STEP)
    appointment = db_session.get(Dossier, dossier_id).appointment_at
    dossiers.delay(
        db_session, dossier_id, staff, now=NOW + 2 * STEP, new_appointment=appointment + timedelta(days=2),
        apology="Chúng tôi xin lỗi vì cần xác minh thêm.",
    )
    db_session.commit()
    events = dossiers.timeline(db_session, dossier_id, citizen)
    rows = timeline_rows(events, VI)
    assert [r.title for r in rows] == ["Hẹn lại ngày trả kết quả", "Cơ quan đã tiếp nhận", "Đã gửi hồ sơ"]
    assert [r.who for r in rows] == ["Cán bộ một cửa", "Cán bộ một cửa", "Bạn"]
    assert rows[0].note == "Chúng tôi xin lỗi vì cần xác minh thêm."
    assert rows[0].extra.startswith("Ngày hẹn trả kết quả mới: ")
    assert latest_apology(events) == "Chúng tôi xin lỗi vì cần xác minh thêm."
    assert all(r.key for r in rows)


def test_the_result_document_is_listed_only_once_it_is_ready(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    for target in ("received", "processing", "approved"):
        dossiers.fire(db_session, dossier_id, target, staff, now=NOW + STEP)
    attachments.add_attachment(
        db_session, dossier_id, staff, slot_id=RESULT_SLOT, filename="ket-qua.pdf", data=PDF, now=NOW + STEP
    )
    db_session.commit()
    listed = attachments.list_attachments(db_session, dossier_id, citizen)
    sent, result = split_files(listed, "approved")
    assert [a.slot_id for a in sent] == ["proof_of_residence"] and result == []
    sent, result = split_files(listed, "result_ready")
    (row,) = file_rows(result, VI)
    assert row.name == "ket-qua.pdf" and row.download_href == f"/files/{row.id}?download=1"


def test_notification_rows(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=datetime(2026, 11, 16, 3, tzinfo=UTC))
    db_session.commit()
    rows = notification_rows(notifications.list_for(db_session, citizen.user_id), VI)
    assert [(r.headline, r.unread) for r in rows] == [("Đã tiếp nhận", True), ("Đã nộp", False)]
    assert rows[0].when == "10:00 ngày 16/11/2026"
    assert rows[0].href.startswith("/vi/applications/")
