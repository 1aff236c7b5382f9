"""The desk's view model: the core's plain read model turned into text, in each language (no database)."""

from __future__ import annotations

from datetime import timedelta

from citizen_app.core.dossiers.actions import BY_KEY
from citizen_app.core.dossiers.results import ResultPickup
from citizen_app.core.dossiers.staff_desk import DeskApplicant, DeskEvent, DeskFile, DeskView
from citizen_app.core.i18n import get_translator
from citizen_app.ui.staff_view import desk_page, event_views
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.dossiers.helpers import NOW

VI, EN = get_translator("vi"), get_translator("en")


def view(**changes: object) -> DeskView:
    values: dict[str, object] = {
        "dossier_id": 7,
        "code": "004.00.20.H01-261116-0001",
        "procedure_code": "9.999999",
        "procedure_name": {"vi": "Đăng ký thường trú", "en": "Permanent residence"},
        "form": form(),
        "status": "approved",
        "overdue": False,
        "channel": "online",
        "received_at": NOW,
        "appointment_at": NOW + timedelta(days=5),
        "appointment_provisional": False,
        "delayed_from": None,
        "receiving_unit": {"vi": "UBND phường Ba Đình", "en": "Ba Đình ward People's Committee"},
        "fee_due_vnd": 20_000,
        "applicant": DeskApplicant("Nguyễn Văn An", "0912345678", "", "", "•••• •••• 2345"),
        "answers": {"full_name": "Nguyễn Văn An", "personal_id": "•••• •••• 2345"},
        "locked": ("full_name", "personal_id"),
        "rejection_reason": "",
        "supplement_request": {},
        "files": (DeskFile(3, "so-do.jpg", "proof_of_residence", "draft", 2048, True),),
        "events": (
            DeskEvent(1, NOW, "submit", "citizen", "Nguyễn Văn An", "", {}),
            DeskEvent(2, NOW, "approve", "counter_officer", "Ngô Thị Mai", "", {}),
        ),
        "actions": (BY_KEY["result_ready"], BY_KEY["delay"]),
        "result_file": True,
        "has_result_document": False,
        "delivery": None,
        "pickup": None,
    }
    values.update(changes)
    return DeskView(**values)  # type: ignore[arg-type]


def test_the_page_reads_the_view_in_each_language() -> None:
    page = desk_page(view(), VI)
    assert page.status == "approved" and page.status_text == "Đã phê duyệt" and page.status_class == "tag tag-success"
    assert page.actions == ["result_ready", "delay"]
    assert page.applicant_pid == "•••• •••• 2345"
    assert [row.lines for row in page.answers if row.key == "personal_id"] == [["•••• •••• 2345"]]
    assert page.fee == "20.000\xa0đ" and page.receipt_href == "/vi/receipts/004.00.20.H01-261116-0001"
    assert page.files[0].thumbnail_url == "/files/3/thumbnail" and page.files[0].stage == "Nộp kèm hồ sơ"
    # Locked (VNeID) answers are not offered for a supplement request.
    assert "personal_id" not in [choice.id for choice in page.supplement_choices]
    assert desk_page(view(), EN).status_text == "Approved"


def test_the_history_is_newest_first_in_the_staff_wording() -> None:
    rows = event_views(view().events, VI)
    assert [row.what for row in rows] == ["Đã phê duyệt", "Đã gửi hồ sơ"]
    assert rows[0].who == "Ngô Thị Mai (Cán bộ một cửa)"
    paper = DeskEvent(5, NOW, "result_ready", "counter_officer", "", "",
                      {"result": "paper", "pickup": {"place": "Bộ phận một cửa", "hours": "8:00–17:00"}})
    assert event_views([paper], EN)[0].note == "Paper result: collect it at Bộ phận một cửa, 8:00–17:00"
    assert event_views([paper], EN)[0].who == "Counter officer"


def test_the_result_offered_for_the_desk_to_confirm() -> None:
    # No document yet: the paper result's place is offered from the receiving unit.
    page = desk_page(view(), VI)
    assert page.pickup_place == "UBND phường Ba Đình" and page.pickup_hours == "" and not page.electronic_only
    # Electronic delivery and no document: the desk is told before it tries.
    assert desk_page(view(delivery="electronic"), VI).electronic_only
    assert not desk_page(view(delivery="electronic", has_result_document=True), VI).electronic_only
    recorded = desk_page(view(pickup=ResultPickup("Phòng 2", "Sáng thứ Bảy")), VI)
    assert (recorded.pickup_place, recorded.pickup_hours) == ("Phòng 2", "Sáng thứ Bảy")


def test_a_moved_appointment_says_when_it_was_first_set() -> None:
    assert desk_page(view(), VI).delayed_from == ""
    assert desk_page(view(delayed_from=NOW + timedelta(days=2)), EN).delayed_from == "first set for 18 Nov 2026"
