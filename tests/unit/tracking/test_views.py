"""What a citizen sees of a dossier: the core's read models, and the tracking screens' wording in both languages."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import attachments, dossiers, notifications
from citizen_app.core.attachments import RESULT_SLOT
from citizen_app.core.dossiers.citizen_view import (
    FileItem,
    citizen_applications,
    citizen_view,
    split_files,
)
from citizen_app.core.i18n import get_translator
from citizen_app.core.statuses import STATUS_TABLE, facts
from citizen_app.ui.tracking_view import (
    application_rows,
    code_from_path,
    dossier_page,
    draft_rows,
    file_rows,
    notification_rows,
    tag_class,
    timeline_rows,
    track_result,
)
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import NOW, PDF, draft_with_file, jpeg, make_user, terms
from tests.unit.tracking.helpers import STEP, desk, submitted, to_result_ready

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


def test_a_sent_dossier_is_not_received_until_the_agency_receives_it(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    view = citizen_view(db_session, _code(db_session, dossier_id, citizen), citizen, NOW, form=form())
    assert view.status.key == "submitted" and view.sent_at == NOW and view.received_at is None
    page = dossier_page(view, VI)
    assert page.sent_at == VI.format_datetime(NOW) and page.received_at == ""
    assert page.status_text == "Đã nộp"  # never "Đã tiếp nhận" before the agency has it

    dossiers.fire(db_session, dossier_id, "received", desk(db_session), now=NOW + STEP)
    db_session.commit()
    view = citizen_view(db_session, view.code, citizen, NOW + STEP, form=form())
    assert (view.sent_at, view.received_at) == (NOW, NOW + STEP)
    page = dossier_page(view, EN)
    assert page.status_text == "Received" and page.received_at == EN.format_datetime(NOW + STEP)
    assert page.sent_at == EN.format_datetime(NOW)

    found = dossiers.public_lookup(db_session, view.code, "2345", now=NOW + STEP)
    assert found is not None and (found.sent_at, found.received_at) == (NOW, NOW + STEP)
    result = track_result(found, VI)
    assert result.status == "Đã tiếp nhận" and result.sent == VI.format_datetime(NOW)
    assert result.received == VI.format_datetime(NOW + STEP)


def _code(db: Session, dossier_id: int, citizen: dossiers.Actor) -> str:
    mine = citizen_applications(db, citizen, NOW)
    return next(d.code for d in mine.in_progress if d.id == dossier_id)


def test_the_read_model_holds_no_orm_object(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    view = citizen_view(db_session, _code(db_session, dossier_id, citizen), citizen, NOW, form=form())
    plain = (str, int, bool, type(None), datetime, dict, tuple)

    def walk(value: object) -> None:
        if hasattr(value, "__dataclass_fields__"):
            for item in fields(value):  # type: ignore[arg-type]
                walk(getattr(value, item.name))
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item)
        else:
            assert isinstance(value, plain), type(value)

    walk(view)


def test_status_facts_come_from_the_one_table(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    view = citizen_view(db_session, _code(db_session, dossier_id, citizen), citizen, NOW, form=form())
    assert view.status is STATUS_TABLE["submitted"]
    assert (view.status.label, view.status.tone, view.status.terminal) == ("Submitted", "info", False)


def test_what_the_citizen_may_do_now(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    code = _code(db_session, dossier_id, citizen)
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    assert view.can_withdraw and not view.can_rate and view.rating is None and view.supplement is None
    staff = desk(db_session)
    to_result_ready(db_session, dossier_id, citizen, staff)
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    assert not view.can_withdraw and view.can_rate
    assert [entry.action for entry in view.timeline][:2] == ["submit", "receive"]
    supplied = next(entry for entry in view.timeline if entry.action == "supply")
    assert supplied.changed_fields == 1


def test_a_supplement_request_opens_only_what_it_names(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    for target in ("received", "processing"):
        dossiers.fire(db_session, dossier_id, target, staff, now=NOW + STEP)
    asked_at = NOW + 2 * STEP
    dossiers.request_supplement(
        db_session, dossier_id, staff, form=form(), fields=["reason", "email"],
        attachments=["other_documents"], message="Bổ sung giấy xác nhận", now=asked_at,
    )
    db_session.commit()
    attachments.add_attachment(
        db_session, dossier_id, citizen, slot_id="other_documents", filename="xac-nhan.jpg", data=jpeg(),
        slot_max_files=3, now=asked_at + STEP,
    )
    db_session.commit()
    code = _code(db_session, dossier_id, citizen)
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    assert view.supplement is not None
    request = view.supplement.request
    assert request.fields == ("reason", "email") and request.slots == ("other_documents",)
    assert request.answerable_online and request.asked_at == asked_at
    assert request.may_edit("reason") and not request.may_edit("phone") and "full_name" in request.locked
    assert [f.name for f in view.supplement.files] == ["xac-nhan.jpg"]
    page = dossier_page(view, VI)
    assert page.supplement_open and page.supplement_online and page.supplement_message == "Bổ sung giấy xác nhận"
    assert page.supplement_asked.startswith("Yêu cầu ngày")
    # Only what the current form still has; a form with none of it: the request is answered at the counter.
    changed = citizen_view(db_session, code, citizen, NOW, form=type(form())(version=9, steps=form().steps[:1]))
    assert changed.supplement is not None and changed.supplement.request.fields == ("email",)
    assert changed.supplement.request.slots == () and changed.supplement.files == ()
    stale = citizen_view(db_session, code, citizen, NOW, form=type(form())(version=9, steps=()))
    assert stale.supplement is not None and not stale.supplement.request.answerable_online
    assert not dossier_page(stale, VI).supplement_online


def test_rows_of_my_applications(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW + STEP)
    draft_id = draft_with_file(db_session, citizen, procedure=terms(code="2.000635"))
    db_session.commit()
    mine = citizen_applications(db_session, citizen, NOW)
    assert mine.draft_for("2.000635") is not None and mine.draft_for("1.004222") is None

    (draft,) = draft_rows(mine.drafts, VI)
    assert draft.id == draft_id and draft.continue_href == f"/vi/apply/{draft_id}"
    assert draft.procedure == "Đăng ký thường trú" and draft.saved.startswith("Lưu lần cuối lúc ")

    unread = notifications.unread_by_dossier(db_session, citizen.user_id)
    assert unread == {dossier_id: 1}
    (summary,) = mine.in_progress
    assert summary.received_at == NOW + STEP and summary.sent_at == NOW
    (row,) = application_rows(mine.in_progress, EN, unread)
    assert (row.code, row.status, row.status_text, row.unread) == (summary.code, "received", "Received", 1)
    assert row.href == f"/en/applications/{summary.code}" and row.sent.startswith("Sent ")
    assert row.procedure == "Permanent residence registration"
    assert row.due.startswith("Result due ") and not row.overdue
    late = citizen_applications(db_session, citizen, summary.due_at + timedelta(days=1))
    late_row = application_rows(late.in_progress, VI)[0]
    assert late_row.overdue and late_row.unread == 0
    with pytest.raises(dossiers.AccessDenied):
        citizen_applications(db_session, staff, NOW)


def test_timeline_newest_first_with_roles_notes_and_the_delay(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=NOW + STEP)
    code = _code(db_session, dossier_id, citizen)
    appointment = citizen_view(db_session, code, citizen, NOW, form=form()).due_at
    assert appointment is not None
    dossiers.delay(
        db_session, dossier_id, staff, now=NOW + 2 * STEP, new_appointment=appointment + timedelta(days=2),
        apology="Chúng tôi xin lỗi vì cần xác minh thêm.",
    )
    db_session.commit()
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    rows = timeline_rows(view.timeline, VI)
    assert [r.title for r in rows] == ["Hẹn lại ngày trả kết quả", "Cơ quan đã tiếp nhận", "Đã gửi hồ sơ"]
    assert [r.who for r in rows] == ["Cán bộ một cửa", "Cán bộ một cửa", "Bạn"]
    assert rows[0].note == "Chúng tôi xin lỗi vì cần xác minh thêm."
    assert rows[0].extra.startswith("Ngày hẹn trả kết quả mới: ")
    assert view.delayed and view.first_due_at == appointment
    assert view.apology == "Chúng tôi xin lỗi vì cần xác minh thêm."
    page = dossier_page(view, VI)
    assert page.delayed and page.first_due == f"Ngày hẹn ban đầu: {VI.format_date(appointment)}"
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
    code = _code(db_session, dossier_id, citizen)
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    assert [f.slot for f in view.files] == ["proof_of_residence"] and view.results == ()
    dossiers.fire(db_session, dossier_id, "result_ready", staff, now=NOW + 2 * STEP)
    db_session.commit()
    view = citizen_view(db_session, code, citizen, NOW, form=form())
    (row,) = file_rows(view.results, VI)
    assert row.name == "ket-qua.pdf" and row.download_href == f"/files/{row.id}?download=1"
    assert dossier_page(view, VI).results == [row]


def test_split_files_follows_the_status_table() -> None:
    at = datetime(2026, 11, 16, tzinfo=UTC)
    sent = FileItem(1, "proof", "a.jpg", 10, "thumbnail", "draft", at)
    result = FileItem(2, RESULT_SLOT, "kq.pdf", 10, "pdf", "result", at)
    for key, status in STATUS_TABLE.items():
        mine, results = split_files([sent, result], status)
        assert mine == [sent] and (results == [result]) == status.result_visible, key
    assert split_files([result], facts("approved")) == ([], [])


def test_nobody_else_reads_the_view(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    code = _code(db_session, dossier_id, citizen)
    stranger = dossiers.Actor.citizen(make_user(db_session))
    db_session.commit()
    with pytest.raises(dossiers.AccessDenied):
        citizen_view(db_session, code, stranger, NOW, form=form())
    with pytest.raises(dossiers.DossierNotFound):
        citizen_view(db_session, "000.00.00.H01-260101-9999", citizen, NOW, form=form())


def test_notification_rows(db_session: Session) -> None:
    dossier_id, citizen = submitted(db_session)
    staff = desk(db_session)
    dossiers.fire(db_session, dossier_id, "received", staff, now=datetime(2026, 11, 16, 3, tzinfo=UTC))
    db_session.commit()
    rows = notification_rows(notifications.list_for(db_session, citizen.user_id), VI)
    assert [(r.headline, r.unread) for r in rows] == [("Đã tiếp nhận", True), ("Đã nộp", False)]
    assert rows[0].when == "10:00 ngày 16/11/2026"
    assert rows[0].href.startswith("/vi/applications/")
