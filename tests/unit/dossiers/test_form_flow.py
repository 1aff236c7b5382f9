"""The apply flow's rules in the core (core/forms/flow.py): pages, what a page may post, where an error is."""

from __future__ import annotations

from citizen_app.core.forms import flow, prefill, validate_all, validate_step
from tests.unit.dossiers.forms_fixtures import TODAY, complete_answers, form, profile


def test_the_pages_of_a_form_and_their_order() -> None:
    schema = form()
    assert flow.page_sequence(schema) == ["applicant", "residence", "add-documents", "check-answers", "send-application"]
    assert flow.next_page(schema, "applicant") == "residence"
    assert flow.next_page(schema, "residence") == "add-documents"
    assert flow.next_page(schema, "nowhere") == "check-answers"
    assert flow.previous_page(schema, "applicant") is None
    assert flow.previous_page(schema, "check-answers") == "add-documents"
    assert flow.step_position(schema, "add-documents") == (3, 3)
    assert flow.step_position(schema, "send-application") is None
    assert flow.is_flow_page(schema, "add-documents") and not flow.is_flow_page(schema, "application-sent")
    no_files = type(schema)(version=schema.version, steps=schema.steps)
    assert "add-documents" not in flow.page_sequence(no_files) and not flow.is_flow_page(no_files, "add-documents")
    # Reserved page names cannot be step ids (those are snake_case).
    assert all("-" in page for page in flow.RESERVED_PAGES)


def test_a_resumed_draft_continues_at_the_first_unfinished_page() -> None:
    schema = form()
    answers = prefill(schema, profile()).answers
    assert flow.first_unfinished_page(schema, {}, {}, TODAY, communes=False) == "applicant"
    assert flow.first_unfinished_page(schema, answers, {}, TODAY, communes=False) == "residence"
    done = complete_answers()
    assert flow.first_unfinished_page(schema, done, {}, TODAY, communes=False) == "add-documents"
    counts = flow.slot_counts(["proof_of_residence"])
    assert flow.first_unfinished_page(schema, done, counts, TODAY, communes=False) == "check-answers"
    assert flow.slot_counts(["a", "b", "a"]) == {"a": 2, "b": 1}


def test_the_posted_step_becomes_answers() -> None:
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
    assert flow.answers_from_form(step, posted) == {
        "new_address": {"province_code": "01", "commune_code": "00004", "street": "12 Đội Cấn"},
        "reason": "other",
        "reason_other": "Lý do",
        "household_size": "3",
        "members": [{"name": ""}, {"name": "Bình", "relation": "child"}],
        "declaration": True,
    }
    # An unticked box is not posted; radios with nothing chosen say nothing; a bool from a ref is fine.
    assert flow.answers_from_form(step, {"members.__count": "0"}) == {"members": [], "declaration": False}
    assert flow.answers_from_form(step, {"declaration": True})["declaration"] is True
    assert flow.without_locked({"full_name": "x", "phone": "1"}, ["full_name"]) == {"phone": "1"}


def test_group_intents_add_and_remove_entries() -> None:
    step = form().step("residence")
    answers: dict = {"members": [{"name": "A"}, {"name": "B"}]}
    assert flow.apply_intent("remove:members:0", step, answers) == flow.GroupChange("members")
    assert answers["members"] == [{"name": "B"}]
    assert flow.apply_intent("add:members", step, answers) == flow.GroupChange("members", added=1)
    assert answers["members"] == [{"name": "B"}, {}]
    assert flow.apply_intent("add:members", step, answers) is not None
    assert flow.apply_intent("add:members", step, answers) is None  # max_items is 3
    assert flow.apply_intent("remove:members:9", step, answers) is None
    assert flow.apply_intent("add:reason", step, answers) is None
    assert flow.apply_intent("back", step, answers) is None


def test_a_step_that_passed_is_stored_cleaned_and_problems_as_typed() -> None:
    schema = form()
    step = schema.step("applicant")
    raw = {"phone": "+84 912 345 678", "email": "bad"}
    result = validate_step(schema, "applicant", {**complete_answers(), **raw}, TODAY, communes=False)
    saved = flow.answers_to_save(raw, result.answers, step)
    assert saved["phone"] == "0912345678" and saved["email"] == "bad"


def test_set_path_writes_inside_addresses_and_group_entries() -> None:
    answers: dict = {"members": [{"name": "A"}]}
    flow.set_path(answers, "members.2.name", "C")
    flow.set_path(answers, "new_address.street", "5 Lê Lợi")
    flow.set_path(answers, "phone", "0912")
    assert answers == {
        "members": [{"name": "A"}, {}, {"name": "C"}],
        "new_address": {"street": "5 Lê Lợi"},
        "phone": "0912",
    }


def test_only_controls_the_form_draws_are_accepted_by_name() -> None:
    schema = form()
    for name in ("phone", "new_address.street", "new_address.province_code", "members.0.name", "members.2.relation"):
        assert flow.answer_path_ok(schema, name), name
    for name in ("nope", "phone.x", "new_address", "new_address.city", "members", "members.3.name",
                 "members.999999.name", "members.0.nope", "members.x.name", "members.0"):
        assert not flow.answer_path_ok(schema, name), name


def test_one_changed_control_refused_when_locked_or_not_open() -> None:
    schema = form()
    answers = {"new_address": {"province_code": "01", "commune_code": "00004", "street": "1"}, "phone": "09"}
    # Another province: the commune chosen before belonged to the old one.
    assert flow.changed_answer(schema, answers, "new_address.province_code", "79") == {
        "new_address": {"province_code": "79", "commune_code": "", "street": "1"}
    }
    assert answers["new_address"]["province_code"] == "01"  # the caller's answers are not touched
    assert flow.changed_answer(schema, answers, "members.1.name", "B") == {"members": [{}, {"name": "B"}]}
    assert flow.changed_answer(schema, answers, "full_name", "X", locked=["full_name"]) is None
    assert flow.changed_answer(schema, answers, "nope", "X") is None
    # A supplement request opens only the questions it names.
    assert flow.changed_answer(schema, answers, "phone", "0912", editable=["email"]) is None
    assert flow.changed_answer(schema, answers, "email", "a@b.vn", editable=["email"]) == {"email": "a@b.vn"}


def test_an_error_at_the_end_is_placed_on_its_page() -> None:
    schema = form()
    answers = {"members": [{}, {"name": "Bình", "relation": "spouse", "member_id": "12"}]}
    errors = validate_all(schema, answers, {}, TODAY, communes=False).errors
    assert "members[0].member_id" in errors  # the validator skips the blank first entry
    place = flow.error_place(schema, "members[0].member_id", answers)
    assert (place.page, place.name) == ("residence", "members.1.member_id") and place.step is not None
    assert flow.error_place(schema, "attachments.proof_of_residence", answers) == flow.ErrorPlace(
        "add-documents", "proof_of_residence"
    )
    assert flow.error_place(schema, "receiving_commune", answers).page == "check-answers"
    assert flow.attachment_problems({"attachments.a": 1, "phone": 2}) == {"a": 1}


def test_a_supplement_request_asks_some_questions_and_documents() -> None:
    schema = form()
    step = flow.partial_step(schema, ["email", "nope", "reason"])
    assert [f.id for f in step.fields] == ["email", "reason"]
    assert [s.id for s in flow.partial_slots(schema, ["other_documents"]).attachments] == ["other_documents"]
