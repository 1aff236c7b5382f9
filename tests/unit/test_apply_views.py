"""The apply-online view models: questions from the schema, posted forms back to answers, errors, summaries."""

from __future__ import annotations

from datetime import date

from citizen_app.core.forms import prefill, validate_all, validate_step
from citizen_app.core.i18n import Msg, get_translator
from citizen_app.states.apply import views
from citizen_app.states.apply.flow import reusable_rows
from citizen_app.states.apply.scripts import collect_form_js
from tests.unit.dossiers.forms_fixtures import TODAY, complete_answers, form, profile

VI, EN = get_translator("vi"), get_translator("en")


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
    assert views.page_sequence(schema) == ["applicant", "residence", "add-documents", "check-answers", "send-application"]
    assert views.next_page(schema, "applicant") == "residence"
    assert views.next_page(schema, "residence") == "add-documents"
    assert views.previous_page(schema, "applicant") is None
    assert views.previous_page(schema, "check-answers") == "add-documents"
    assert views.progress_text(schema, "residence", VI) == "Bước 2 / 3"
    assert views.progress_text(schema, "add-documents", EN) == "Step 3 of 3"
    assert views.progress_text(schema, "check-answers", EN) == ""
    # Reserved page names cannot be step ids (those are snake_case).
    assert all("-" in page for page in views.RESERVED_PAGES)


def test_a_resumed_draft_continues_at_the_first_unfinished_page() -> None:
    schema = form()
    answers = prefill(schema, profile()).answers
    assert views.first_unfinished_page(schema, {}, {}, TODAY, communes=False) == "applicant"
    assert views.first_unfinished_page(schema, answers, {}, TODAY, communes=False) == "residence"
    done = complete_answers()
    assert views.first_unfinished_page(schema, done, {}, TODAY, communes=False) == "add-documents"
    assert views.first_unfinished_page(schema, done, {"proof_of_residence": 1}, TODAY, communes=False) == "check-answers"


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


# ---- posted forms ----------------------------------------------------------------------------------


def test_the_posted_step_becomes_answers_for_the_core() -> None:
    step = form().step("residence")
    posted = {
        "new_address.province_code": "01",
        "new_address.commune_code": "00004",
        "new_address.street": " 12 Đội Cấn ",
        "reason": "other",
        "reason_other": "Lý do",
        "household_size": "3",
        "members.__count": "2",
        "members.0.name": "",
        "members.1.name": "Bình",
        "members.1.relation": "child",
        "declaration": "on",
        "something_else": "ignored",
    }
    assert views.answers_from_form(step, posted) == {
        "new_address": {"province_code": "01", "commune_code": "00004", "street": "12 Đội Cấn"},
        "reason": "other",
        "reason_other": "Lý do",
        "household_size": "3",
        "members": [{"name": ""}, {"name": "Bình", "relation": "child"}],
        "declaration": True,
    }
    # An unticked box is not posted; radios with nothing chosen say nothing; a bool from a ref is fine.
    unticked = views.answers_from_form(step, {"members.__count": "0"})
    assert unticked == {"members": [], "declaration": False}
    assert views.answers_from_form(step, {"declaration": True})["declaration"] is True


def test_group_intents_add_and_remove_entries() -> None:
    step = form().step("residence")
    answers: dict = {"members": [{"name": "A"}, {"name": "B"}]}
    assert views.apply_intent("remove:members:0", step, answers) and answers["members"] == [{"name": "B"}]
    assert views.apply_intent("add:members", step, answers) and answers["members"] == [{"name": "B"}, {}]
    assert views.apply_intent("add:members", step, answers)
    assert not views.apply_intent("add:members", step, answers)  # max_items is 3
    assert not views.apply_intent("remove:members:9", step, answers)
    assert not views.apply_intent("add:reason", step, answers)
    assert not views.apply_intent("back", step, answers)


def test_a_step_that_passed_is_stored_cleaned_and_problems_as_typed() -> None:
    schema = form()
    step = schema.step("applicant")
    raw = {"phone": "+84 912 345 678", "email": "bad"}
    result = validate_step(schema, "applicant", {**complete_answers(), **raw}, TODAY, communes=False)
    saved = views.answers_to_save(raw, result.answers, step)
    assert saved["phone"] == "0912345678" and saved["email"] == "bad"


def test_set_path_writes_inside_addresses_and_group_entries() -> None:
    answers: dict = {"members": [{"name": "A"}]}
    views.set_path(answers, "members.2.name", "C")
    views.set_path(answers, "new_address.street", "5 Lê Lợi")
    views.set_path(answers, "phone", "0912")
    assert answers == {
        "members": [{"name": "A"}, {}, {"name": "C"}],
        "new_address": {"street": "5 Lê Lợi"},
        "phone": "0912",
    }


def test_only_controls_the_form_draws_are_accepted_by_name() -> None:
    schema = form()
    for name in ("phone", "new_address.street", "new_address.province_code", "members.0.name", "members.2.relation"):
        assert views.answer_path_ok(schema, name), name
    for name in ("nope", "phone.x", "new_address", "new_address.city", "members", "members.3.name",
                 "members.999999.name", "members.0.nope", "members.x.name", "members.0"):
        assert not views.answer_path_ok(schema, name), name


def test_collecting_the_form_quotes_the_intent() -> None:
    code = collect_form_js("back")
    assert code.endswith('intent: "back"}; })()') and "step-form" in code


# ---- check your answers, documents ------------------------------------------------------------------


def test_check_your_answers_reads_answers_back_in_the_readers_language() -> None:
    schema = form()
    filled = prefill(schema, profile())
    files = [views.attachment_view(7, "proof_of_residence", "so-do.jpg", 5000, "thumbnail", EN)]
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
    files = [views.attachment_view(3, "proof_of_residence", "a.pdf", 2_500_000, "pdf", VI)]
    slots = views.slot_views(schema, files, VI, {"proof_of_residence": "Lỗi"})
    assert (slots[0].limit, slots[0].can_add, slots[0].error, slots[0].upload_id) == ("Tối đa 2 tệp", True, "Lỗi", "upload-0")
    assert files[0].size == "2,4 MB" and files[0].thumbnail_url == "" and files[0].file_url == "/files/3"
    assert views.file_size(1000, EN) == "1 KB"
    assert views.attachment_view(4, "x", "b.jpg", 1, "thumbnail", EN).thumbnail_url == "/files/4/thumbnail"


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
