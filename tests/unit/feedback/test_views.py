"""What people read about feedback: the check page, tracking, the public list, the staff rows."""

from __future__ import annotations

from datetime import timedelta

from citizen_app.core.catalog import get_catalog
from citizen_app.core.feedback.handling import InboxRow
from citizen_app.core.feedback.public import PublicAnswer, TrackedFeedback
from citizen_app.core.i18n import get_translator
from citizen_app.ui import feedback_view as view
from tests.unit.feedback.helpers import NOW, SCRIPT, UNITS, answers


def test_the_check_page_lists_every_answer_with_a_change_link_to_its_page() -> None:
    t = get_translator("vi")
    rows = view.check_rows(answers(content=f"Dòng một\n{SCRIPT}"), "", t, catalog=get_catalog(), units=UNITS)
    by_key = {row.key: row for row in rows}
    assert [row.key for row in rows][:3] == ["subject_type", "province_code", "commune_code"]
    assert by_key["commune_code"].lines == ["Phường Ba Đình"]
    assert by_key["content"].lines == ["Dòng một", SCRIPT]
    assert by_key["photo"].lines == ["Không có ảnh"]
    assert by_key["may_publish"].lines == ["Đồng ý, không kèm họ tên và thông tin liên hệ của tôi"]
    assert by_key["sender_phone"].change_href == "/vi/feedback/new/contact?change=1"
    centre = view.check_rows(answers(commune_code=""), "a.jpg", get_translator("en"), catalog=get_catalog(),
                             units=UNITS)
    assert {row.key: row.lines for row in centre}["commune_code"] == [
        "The province's public administration service centre"
    ]
    procedure = view.check_rows(answers(subject_type="procedure", procedure_code="1.001193"), "", t,
                                catalog=get_catalog(), units=UNITS)
    assert "procedure_code" in {row.key for row in procedure}


def test_steps_count_and_titles_follow_the_subject() -> None:
    t = get_translator("en")
    assert view.progress("details", t) == "Step 3 of 5"
    assert view.progress("check", t) == ""
    assert view.step_title("subject", "dossier", t) == "Which application?"
    assert view.step_title("subject", "", t) == "Which one?"


def test_tracking_public_list_and_inbox_texts() -> None:
    t = get_translator("en")
    tracked = TrackedFeedback(
        code="PA-1234-5678", title="Queue", topic="delay", unit_name={"vi": "UBND", "en": "Committee"},
        status="answered", received_at=NOW, due_at=NOW + timedelta(days=14), due_provisional=True, overdue=False,
        answered_at=NOW, answer="Line 1\n\nLine 2", decline_reason=None, published=False,
    )
    shown = view.track_view(tracked, t)
    assert (shown.status, shown.topic, shown.unit) == ("Answered", "Delays and appointments", "Committee")
    assert shown.due == "Answer due by 30 Nov 2026 (provisional)"
    assert shown.answer_lines == ["Line 1", "Line 2"]
    item = view.answer_items([PublicAnswer(7, "fees", "T", f"Q {SCRIPT}", "A", {"vi": "UBND", "en": "Committee"},
                                           NOW, None, NOW)], t)[0]
    assert item.question_lines == [f"Q {SCRIPT}"] and item.unit == "Answered by Committee" and item.id == "7"
    row = view.inbox_items([InboxRow("PA-1234-5678", "T", "fees", "agency", {"vi": "UBND", "en": "C"}, "received",
                                     NOW, NOW, True, False)], get_translator("vi"))[0]
    assert row.href == "/vi/staff/feedback/PA-1234-5678" and row.overdue and row.topic == "Phí, lệ phí"
