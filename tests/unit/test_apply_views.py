"""The apply-online view models: questions from the schema, errors, summaries, documents, the confirmation.

The flow's rules (pages, posted answers, answer paths) are the core's: tests/unit/dossiers/test_form_flow.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from citizen_app.core.dossiers.citizen_view import FileItem
from citizen_app.core.forms import prefill, validate_all, validate_step
from citizen_app.core.i18n import Msg, get_translator
from citizen_app.states.apply.scripts import collect_form_js
from citizen_app.ui import apply_view as views
from citizen_app.ui.apply_view import reusable_rows
from tests.unit.dossiers.forms_fixtures import TODAY, complete_answers, form, profile

VI, EN = get_translator("vi"), get_translator("en")


def item(file_id: int, slot: str, name: str, size: int, kind: str) -> FileItem:
    return FileItem(id=file_id, slot=slot, name=name, size_bytes=size, kind=kind, stage="draft",
                    uploaded_at=datetime(2026, 11, 16, 2, tzinfo=UTC))


def fields_by_name(step: str, answers: dict, **options) -> dict[str, views.FieldView]:  # type: ignore[no-untyped-def]
    schema = form()
    shown = views.question_views(schema, schema.step(step), answers, t=VI, today=TODAY, **options)
    return {f.name: f for f in shown}


# ---- addresses of the flow -------------------------------------------------------------------------


def test_flow_addresses_and_their_order() -> None:
    schema = form()
    assert views.flow_href("vi", 12, "applicant") == "/vi/apply/12/applicant"
    assert views.parse_flow_path("/en/apply/12/check-answers?return=check") == views.FlowLocation(12, "check-answers")
    assert views.parse_flow_path("/vi/apply/12") == views.FlowLocation(12, "")
    assert views.parse_flow_path("/vi/apply/abc/x").draft_id is None
    assert views.parse_flow_path("/vi/services/1.004222/apply").draft_id is None
    assert views.code_from_start_path("/vi/services/1.004222/apply") == "1.004222"
    assert views.progress_text(schema, "residence", VI) == "Bước 2 / 3"
    assert views.progress_text(schema, "add-documents", EN) == "Step 3 of 3"
    assert views.progress_text(schema, "check-answers", EN) == ""


# ---- questions -------------------------------------------------------------------------------------


def test_prefilled_questions_carry_their_provenance_and_locks() -> None:
    filled = prefill(form(), profile())
    shown = fields_by_name("applicant", filled.answers, provenance=filled.provenance, locked=filled.locked,
                           generation=4)
    name, phone, birth = shown["full_name"], shown["phone"], shown["birth_date"]
    assert (name.value, name.locked, name.provenance, name.autocomplete) == ("Nguyễn Văn An", True, "verified", "name")
    assert name.described_by == "f-full_name-badge" and name.key == "4-f-full_name"
    assert (phone.value, phone.locked, phone.provenance) == ("0912345678", False, "profile")
    assert (phone.input_type, phone.input_mode, phone.autocomplete) == ("tel", "tel", "tel")
    assert birth.input_type == "date" and birth.max == TODAY.isoformat() and birth.value == "1990-05-17"
    assert shown["sex"].options[0].label == "Nam" and shown["sex"].value == "male"
    assert shown["email"].label == "Email (không bắt buộc)"  # optional questions say so
    assert shown["personal_id"].input_mode == "numeric"


def test_conditions_hide_questions_without_losing_what_was_typed() -> None:
    shown = fields_by_name("residence", {"reason": "family", "reason_other": "typed before"})
    assert shown["reason_other"].visible is False and shown["reason_other"].value == "typed before"
    assert fields_by_name("residence", {"reason": "other"})["reason_other"].visible is True


def test_an_address_offers_the_communes_of_its_province() -> None:
    address = fields_by_name("residence", {"new_address": {"province_code": "01", "commune_code": "00004"}},
                             generation=2)["new_address"]
    assert address.province == "01" and address.commune == "00004"
    assert any(option.value == "00004" and option.label == "Phường Ba Đình" for option in address.communes)
    assert address.commune_key == "2-f-new_address-01"  # a new province empties the commune picker
    assert fields_by_name("residence", {})["new_address"].communes == []


def test_group_entries_and_errors_point_at_the_entry_on_screen() -> None:
    schema = form()
    answers = {"members": [{}, {"name": "Bình", "relation": "spouse", "member_id": "12"}]}
    errors = validate_step(schema, "residence", answers, TODAY, communes=False).errors
    assert "members[0].member_id" in errors  # the core skips the blank first entry
    members = fields_by_name("residence", answers, errors=errors)["members"]
    assert [entry.title for entry in members.group_entries] == ["Người cùng chuyển: mục 1", "Người cùng chuyển: mục 2"]
    second = {c.name: c for c in members.group_entries[1].fields}
    assert second["members.1.member_id"].error.startswith("Vui lòng nhập đủ 12 chữ số")
    assert second["members.1.member_id"].visible is True
    first = {c.name: c for c in members.group_entries[0].fields}
    assert first["members.0.member_id"].visible is False  # relation is not "spouse" there
    assert members.can_add and members.add_intent == "add:members"
    assert members.group_entries[1].remove_intent == "remove:members:1"
    links = views.error_summary(errors, answers, VI)
    assert [link.anchor for link in links] == [
        "f-new_address-province_code", "f-reason", "f-members-1-member_id", "f-declaration"
    ]


def test_error_summary_links_address_parts_and_documents() -> None:
    schema = form()
    outcome = validate_all(schema, {"new_address": {"province_code": "01"}}, {}, TODAY, communes=False)
    anchors = [link.anchor for link in views.error_summary(outcome.errors, {}, EN)]
    assert "f-new_address-commune_code" in anchors and "f-new_address-street" in anchors
    assert "slot-proof_of_residence" in anchors


def test_collecting_the_form_quotes_the_intent() -> None:
    code = collect_form_js("back")
    assert code.endswith('intent: "back"}; })()') and "step-form" in code


# ---- check your answers, documents ------------------------------------------------------------------


def test_check_your_answers_reads_answers_back_in_the_readers_language() -> None:
    schema = form()
    filled = prefill(schema, profile())
    files = [views.attachment_view(item(7, "proof_of_residence", "so-do.jpg", 5000, "thumbnail"), EN)]
    labels = {field_id: EN.render(label) for field_id, label in filled.labels.items()}
    sections = views.summary_sections(schema, complete_answers(), t=EN, draft_id=5, provenance=filled.provenance,
                                      locked=filled.locked, attachments=files, labels=labels)
    rows = {row.key: row for section in sections for row in section.rows}
    assert rows["birth_date"].lines == ["17 May 1990"] and rows["birth_date"].change_href == ""
    assert rows["birth_date"].badge == "Verified by VNeID"
    assert rows["phone"].change_href == "/en/apply/5/applicant?return=check#f-phone"
    assert rows["new_address"].lines == ["5 Ngõ Núi Trúc, Phường Ngọc Hà, Thành phố Hà Nội"]
    assert rows["reason"].lines == ["Về với gia đình"] and rows["declaration"].lines == ["Yes"]
    assert rows["members"].lines == ["Nguyễn Thị Bình, Con"]
    assert "reason_other" not in rows  # hidden by its condition
    assert rows["documents-proof_of_residence"].lines == ["so-do.jpg"]
    assert rows["documents-other_documents"].lines == ["Not answered"]
    assert sections[-1].title == "Documents"


def test_document_slots_and_file_sizes() -> None:
    schema = form()
    files = [views.attachment_view(item(3, "proof_of_residence", "a.pdf", 2_500_000, "pdf"), VI)]
    slots = views.slot_views(schema, files, VI, {"proof_of_residence": "Lỗi"})
    assert (slots[0].limit, slots[0].can_add, slots[0].error, slots[0].upload_id) == ("Tối đa 2 tệp", True, "Lỗi", "upload-0")
    assert files[0].size == "2,4 MB" and files[0].thumbnail_url == "" and files[0].file_url == "/files/3"
    assert views.file_size(1000, EN) == "1 KB"
    assert views.attachment_view(item(4, "x", "b.jpg", 1, "thumbnail"), EN).thumbnail_url == "/files/4/thumbnail"


def test_reusable_contact_details_are_listed_in_words() -> None:
    rows = reusable_rows(
        {"contact.phone": "0987654321", "contact.current_address": {"province_code": "01", "commune_code": "00004",
                                                                  "street": "1 Hàng Bạc"}},
        EN,
    )
    assert rows == [
        {"label": "Mobile phone number", "value": "0987654321"},
        {"label": "Current address", "value": "1 Hàng Bạc, Phường Ba Đình, Thành phố Hà Nội"},
    ]


def test_messages_render_in_both_languages() -> None:
    assert VI.render(Msg(views.STEP_PROGRESS, {"number": 1, "total": 4})) == "Bước 1 / 4"
    assert date(2026, 1, 1) < TODAY


def test_problems_found_at_the_end_link_to_the_page_they_are_on() -> None:
    schema = form()
    answers = {"members": [{}, {"name": "Bình", "relation": "spouse", "member_id": "12"}]}
    errors = validate_all(schema, answers, {}, TODAY, communes=False).errors
    links = {link.anchor: link.text for link in views.problem_links(schema, errors, answers, draft_id=9, t=EN)}
    assert "/en/apply/9/residence?return=check#f-members-1-member_id" in links
    assert "/en/apply/9/add-documents?return=check#slot-proof_of_residence" in links
    assert links["/en/apply/9/residence?return=check#f-members-1-member_id"].endswith("(step: New permanent residence)")


def test_the_fee_and_what_happens_next_in_both_languages() -> None:
    assert views.fee_text(10_000, VI).startswith("Lệ phí: 10.000")
    assert views.fee_text(0, EN) == "There is no fee for this application."
    assert views.what_next("Phường Ba Đình", "19/11/2026", EN).endswith("Your result is due on 19/11/2026.")
    assert views.limits_text(10, 30, EN).endswith("up to 10 MB each and 30 MB in all.")
