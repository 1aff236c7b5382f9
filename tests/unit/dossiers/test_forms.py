"""The form engine: schema parsing (every problem, with its path), validation rules, prefill, migration."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from citizen_app.core.forms import (
    enforce_locked,
    migrate_answers,
    normalize_phone,
    parse_form,
    parse_personal_id,
    personal_id_matches,
    prefill,
    render_message,
    reusable_changes,
    validate_all,
    validate_step,
)
from citizen_app.core.i18n import get_translator
from tests.unit.dossiers.forms_fixtures import TODAY, L, communes, complete_answers, form, profile, raw_form

# --- parsing ----------------------------------------------------------------------------------------


def problems(raw: Any) -> list[str]:
    parsed, errors = parse_form(raw, "form")
    assert parsed is None if errors else parsed is not None
    return [f"{e.path}: {e.message}" for e in errors]


def test_the_documented_example_parses() -> None:
    parsed = form()
    assert parsed.version == 1
    assert [s.id for s in parsed.steps] == ["applicant", "residence"]
    assert parsed.field("members").fields[2].show_if.field == "relation"  # type: ignore[union-attr]
    assert parsed.attachment("proof_of_residence").max_files == 2  # type: ignore[union-attr]


def test_unknown_type_is_reported_with_its_path() -> None:
    raw = raw_form()
    raw["steps"][0]["fields"][2]["type"] = "txt"
    assert "form.steps[0].fields[2].type: unknown field type 'txt'" in problems(raw)


def test_every_problem_is_reported_at_once() -> None:
    raw = {
        "version": 0,
        "colour": "red",
        "steps": [
            {
                "id": "Step One",
                "title": {"vi": "x"},
                "fields": [
                    {"id": "a", "type": "text", "label": L("a"), "placeholder": "x"},
                    {"id": "a", "type": "text", "label": L("b")},
                    {"id": "s", "type": "select", "label": L("s")},
                    {
                        "id": "r",
                        "type": "radio",
                        "label": L("r"),
                        "options": [{"value": "x", "label": L("x")}, {"value": "x", "label": L("y")}],
                    },
                    {
                        "id": "n",
                        "type": "number",
                        "label": L("n"),
                        "validation": {"min": 5, "max": 1, "pattern": "x"},
                    },
                    {
                        "id": "late",
                        "type": "text",
                        "label": L("l"),
                        "show_if": {"field": "later", "equals": "x"},
                    },
                    {"id": "later", "type": "text", "label": L("l")},
                    {
                        "id": "g",
                        "type": "group",
                        "label": L("g"),
                        "fields": [
                            {
                                "id": "inner",
                                "type": "group",
                                "label": L("i"),
                                "fields": [{"id": "x", "type": "text", "label": L("x")}],
                            }
                        ],
                    },
                    {"id": "p", "type": "text", "label": L("p"), "prefill": "identity.shoe_size"},
                    {"id": "q", "type": "text", "label": L("q"), "prefill": "contact.phone"},
                    {"id": "o", "type": "text", "label": L("o"), "options": []},
                ],
            },
        ],
        "attachments": [{"id": "doc", "label": L("d"), "max_files": 0}, {"id": "doc", "label": L("e")}],
    }
    found = problems(raw)
    expected = [
        "form.colour: unknown key 'colour'",
        "form.version: must be a whole number, 1 or more",
        "form.steps[0].id: 'Step One' is not a snake_case identifier",
        "form.steps[0].title.en: missing",
        "form.steps[0].fields[0].placeholder: unknown key 'placeholder'",
        "form.steps[0].fields[1].id: duplicate field id 'a' (first at form.steps[0].fields[0])",
        "form.steps[0].fields[2].options: a select field needs options",
        "form.steps[0].fields[3].options[1].value: duplicate option value 'x'",
        "form.steps[0].fields[4].validation.pattern: 'pattern' does not apply to a number field",
        "form.steps[0].fields[4].validation.max: must not be less than min",
        "form.steps[0].fields[5].show_if.field: refers to 'later', which is not a field before this one",
        "form.steps[0].fields[7].fields[0].type: a group cannot contain another group",
        "form.steps[0].fields[8].prefill: unknown prefill binding 'identity.shoe_size'; expected one of "
        + ", ".join(
            [
                "identity.full_name",
                "identity.personal_id",
                "identity.date_of_birth",
                "identity.sex",
                "identity.place_of_origin",
                "identity.permanent_address",
                "contact.phone",
                "contact.email",
                "contact.current_address",
                # The registries of issue 12.
                "population.full_name",
                "population.date_of_birth",
                "population.sex",
                "population.permanent_address",
                "population.household_head",
                "civil_status.married",
                "civil_status.spouse_full_name",
                "civil_status.spouse_personal_id",
                "civil_status.spouse_date_of_birth",
                "social_insurance.number",
                "social_insurance.insured",
            ]
        ),
        "form.steps[0].fields[9].prefill: 'contact.phone' cannot fill a text field (needs phone)",
        "form.steps[0].fields[10].options: options are only for select/radio, not 'text'",
        "form.attachments[0].max_files: must be at least 1",
        "form.attachments[1].id: duplicate attachment id 'doc'",
    ]
    for line in expected:
        assert line in found, f"missing: {line}\n got: {found}"
    assert len(found) == len(expected)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "reason", "equals": "holiday"}, "show_if.equals: 'holiday' is not an option of 'reason'"),
        ({"field": "reason"}, "show_if: needs exactly one of 'equals', 'in' or 'is_true'"),
        (
            {"field": "reason", "equals": "work", "is_true": True},
            "show_if: needs exactly one of 'equals', 'in' or 'is_true'",
        ),
        ({"field": "reason", "in": []}, "show_if.in: expected a non-empty list of values"),
        ({"field": "reason_other", "equals": "x"}, "show_if.field: a field cannot depend on itself"),
        ({"field": "members", "is_true": True}, "show_if.field: cannot depend on the group 'members'"),
        (
            {"field": "nowhere", "is_true": True},
            "show_if.field: refers to 'nowhere', which is not a field before this one",
        ),
    ],
)
def test_bad_conditions(condition: dict[str, Any], message: str) -> None:
    raw = raw_form()
    fields = raw["steps"][1]["fields"]
    if condition.get("field") == "members":
        # Move the condition after the group so the only problem is depending on a group.
        fields[5]["show_if"] = condition
    else:
        fields[2]["show_if"] = condition
    where = "form.steps[1].fields[5]" if condition.get("field") == "members" else "form.steps[1].fields[2]"
    assert f"{where}.{message}" in problems(raw)


def test_prefill_must_match_the_field_type() -> None:
    raw = raw_form()
    raw["steps"][0]["fields"][2]["prefill"] = "contact.email"  # a date field
    raw["steps"][0]["fields"][3]["options"] = [
        {"value": "m", "label": L("Nam")},
        {"value": "f", "label": L("Nữ")},
    ]
    raw["steps"][1]["fields"][4]["fields"][0]["prefill"] = "identity.full_name"
    found = problems(raw)
    assert "form.steps[0].fields[2].prefill: 'contact.email' cannot fill a date field (needs email)" in found
    assert (
        "form.steps[0].fields[3].prefill: 'identity.sex' needs options with values 'male' and 'female'"
        in found
    )
    assert "form.steps[1].fields[4].fields[0].prefill: fields inside a group cannot be prefilled" in found


def test_validation_keys_and_dates() -> None:
    raw = raw_form()
    raw["steps"][0]["fields"][2]["validation"] = {
        "not_before": "yesterday",
        "not_after": date(1900, 1, 1),
        "not_future": True,
        "not_past": True,
    }
    raw["steps"][0]["fields"][0]["validation"] = {"pattern": "[", "pattern_message": L("x")}
    found = problems(raw)
    assert (
        "form.steps[0].fields[2].validation.not_before: expected an ISO date like 1900-01-01, got 'yesterday'"
        in found
    )
    assert (
        "form.steps[0].fields[2].validation.not_past: not_future and not_past together leave only today"
        in found
    )
    assert any(
        p.startswith("form.steps[0].fields[0].validation.pattern: invalid regular expression") for p in found
    )


def test_not_a_mapping() -> None:
    assert problems(["x"]) == ["form: expected a mapping, got a list"]
    assert "form.steps: missing" in problems({"version": 1})


# --- validation rules ------------------------------------------------------------------------------


def check(answers: dict[str, Any], attachments: dict[str, int] | None = None) -> dict[str, str]:
    counts = {"proof_of_residence": 1} if attachments is None else attachments
    result = validate_all(form(), answers, counts, TODAY, communes=communes)
    return {path: msg.msgid for path, msg in result.errors.items()}


def test_complete_answers_pass_and_are_cleaned() -> None:
    answers = complete_answers() | {
        "phone": "+84 912.345.678",
        "birth_date": "17/05/1990",
        "household_size": "3",
    }
    result = validate_all(form(), answers, {"proof_of_residence": 1}, TODAY, communes=communes)
    assert result.ok, result.errors
    assert result.answers["phone"] == "0912345678"
    assert result.answers["birth_date"] == "1990-05-17"
    assert result.answers["household_size"] == 3


def test_missing_required_fields() -> None:
    errors = check({})
    assert errors["full_name"] == "Enter this information"
    assert errors["birth_date"] == "Enter a date"
    assert errors["reason"] == "Select an option"
    assert errors["new_address.province_code"] == "Choose a province or city"
    assert errors["declaration"] == "Tick this box to continue"
    assert "email" not in errors  # optional
    assert "sex" not in errors


def test_required_only_when_shown_and_hidden_answers_are_dropped() -> None:
    answers = complete_answers() | {"reason": "work", "reason_other": "should vanish"}
    result = validate_all(form(), answers, {"proof_of_residence": 1}, TODAY, communes=communes)
    assert result.ok
    assert "reason_other" not in result.answers
    assert "reason_other" in result.hidden
    errors = check(complete_answers() | {"reason": "other"})
    assert errors == {"reason_other": "Enter this information"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("001090012345", True),
        ("079301012345", True),  # born 2001, female, Hồ Chí Minh City
        ("00109001234", False),  # 11 digits
        ("00109001234a", False),
        ("003090012345", False),  # 003 is not a province code
        ("097090012345", False),  # beyond 096
        ("001690012345", False),  # century digit 6
        ("001499012345", False),  # born in 2199
        ("001230012345", False),  # born in 2030: future
    ],
)
def test_personal_id_numbers(value: str, ok: bool) -> None:
    errors = check(complete_answers() | {"personal_id": value})
    assert ("personal_id" not in errors) is ok, errors


def test_personal_id_parts_and_agreement() -> None:
    info = parse_personal_id("079301012345", TODAY)
    assert info is not None and (info.birth_province_code, info.birth_year, info.sex) == ("079", 2001, "female")
    assert personal_id_matches("001090012345", date(1990, 5, 17), "male")
    assert not personal_id_matches("001090012345", date(1991, 5, 17))
    assert not personal_id_matches("001090012345", sex="female")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("(+84) 0912-345-678", "0912345678"),  # a leading 0 after +84 is a common slip
        ("0312.345.678", "0312345678"),
        ("0212345678", None),  # landline prefix
        ("091234567", None),
        ("09123456789", None),
        ("0612345678", None),
    ],
)
def test_phone_numbers(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected
    errors = check(complete_answers() | {"phone": raw})
    assert ("phone" in errors) is (expected is None)


def test_email() -> None:
    assert check(complete_answers() | {"email": "an@example"})["email"].startswith("Enter an email address")
    assert "email" not in check(complete_answers() | {"email": " An@Example.VN "})


def test_dates() -> None:
    assert check(complete_answers() | {"birth_date": "2026-11-21"})["birth_date"] == (
        "The date must be today or in the past"
    )
    assert "birth_date" not in check(complete_answers() | {"birth_date": "2026-11-20"})
    assert check(complete_answers() | {"birth_date": "31/02/1990"})["birth_date"] == (
        "Enter a real date, like 27/03/1990"
    )
    assert check(complete_answers() | {"birth_date": "yesterday"})["birth_date"].startswith(
        "Enter a real date"
    )


def test_date_bounds() -> None:
    raw = raw_form()
    raw["steps"][0]["fields"][2]["validation"] = {
        "not_before": "1900-01-01",
        "not_after": "2020-12-31",
        "not_past": False,
    }
    schema, _ = parse_form(raw)
    assert schema is not None
    result = validate_step(schema, "applicant", {"birth_date": "1899-12-31"}, TODAY, communes=False)
    assert result.errors["birth_date"].params == {"date": "01/01/1900"}
    result = validate_step(schema, "applicant", {"birth_date": "2021-01-01"}, TODAY, communes=False)
    assert result.errors["birth_date"].msgid == "The date must be on or before {date}"


def test_numbers() -> None:
    assert (
        check(complete_answers() | {"household_size": "many"})["household_size"]
        == "Enter a number, like 1990"
    )
    assert (
        check(complete_answers() | {"household_size": 0})["household_size"]
        == "Enter a number that is {min} or more"
    )
    assert (
        check(complete_answers() | {"household_size": "31"})["household_size"]
        == "Enter a number that is {max} or less"
    )
    assert (
        check(complete_answers() | {"household_size": True})["household_size"] == "Enter a number, like 1990"
    )


def test_text_lengths_and_patterns() -> None:
    errors = check(complete_answers() | {"reason": "other", "reason_other": "x" * 201})
    assert errors["reason_other"] == "Enter no more than {count} character"  # the singular is the plural's msgid
    raw = raw_form()
    raw["steps"][0]["fields"][0]["validation"] = {
        "min_length": 3,
        "pattern": r"[^\d]+",
        "pattern_message": L("Chỉ gồm chữ", "Letters only"),
    }
    schema, _ = parse_form(raw)
    assert schema is not None
    short = validate_step(schema, "applicant", {"full_name": "An"}, TODAY, communes=False)
    assert short.errors["full_name"].plural == "Enter at least {count} characters"
    digits = validate_step(schema, "applicant", {"full_name": "An 123"}, TODAY, communes=False)
    message = digits.errors["full_name"]
    assert render_message(get_translator("en"), message) == "Letters only"
    assert render_message(get_translator("vi"), message) == "Chỉ gồm chữ"
    assert "full_name" not in check(complete_answers() | {"full_name": "  Nguyễn   Văn  An "})
    assert check(complete_answers() | {"full_name": "An\x00"})["full_name"].startswith("Remove the invisible")


def test_select_and_checkbox_values() -> None:
    assert check(complete_answers() | {"reason": "holiday"})["reason"] == "Select one of the options shown"
    assert check(complete_answers() | {"declaration": "false"})["declaration"] == "Tick this box to continue"
    assert "declaration" not in check(complete_answers() | {"declaration": "on"})


def test_address_pairs() -> None:
    errors = check(
        complete_answers()
        | {"new_address": {"province_code": "79", "commune_code": "00004", "street": "1 Lê Lợi"}}
    )
    assert errors == {"new_address.commune_code": "This commune is not in the province you chose"}
    errors = check(
        complete_answers() | {"new_address": {"province_code": "1", "commune_code": "4", "street": ""}}
    )
    assert set(errors) == {"new_address.province_code", "new_address.commune_code", "new_address.street"}


def test_groups() -> None:
    members = [
        {"name": "A", "relation": "child"},
        {"name": "", "relation": "spouse", "member_id": "123"},
        {"name": "", "relation": "", "member_id": ""},  # an empty row left by "add another"
    ]
    result = validate_all(
        form(), complete_answers() | {"members": members}, {"proof_of_residence": 1}, TODAY, communes=communes
    )
    assert {p: m.msgid for p, m in result.errors.items()} == {
        "members[1].name": "Enter this information",
        "members[1].member_id": "Enter the 12 digits of the personal identification number",
    }
    too_many = [{"name": str(i), "relation": "child"} for i in range(4)]
    assert check(complete_answers() | {"members": too_many})["members"] == "Add no more than {count} entry"
    assert (
        check(complete_answers() | {"members": "nope"})["members"]
        == "This answer is not in the expected form"
    )
    # The hidden member_id of a child is dropped.
    result = validate_all(
        form(),
        complete_answers() | {"members": [{"name": "A", "relation": "child", "member_id": "001090012345"}]},
        {"proof_of_residence": 1},
        TODAY,
        communes=communes,
    )
    assert result.answers["members"] == [{"name": "A", "relation": "child"}]


def test_attachment_counts() -> None:
    assert check(complete_answers(), {})["attachments.proof_of_residence"] == "Add this document"
    errors = check(complete_answers(), {"proof_of_residence": 3})
    assert errors["attachments.proof_of_residence"] == "Add no more than {count} file for this document"


def test_validate_step_reports_only_that_step() -> None:
    result = validate_step(form(), "residence", {"reason": "other"}, TODAY, communes=communes)
    assert set(result.errors) == {"new_address.province_code", "reason_other", "declaration"}
    assert result.answers == {"reason": "other"}
    with pytest.raises(KeyError):
        validate_step(form(), "nowhere", {}, TODAY)


# --- prefill ------------------------------------------------------------------------------------------


def test_prefill_with_provenance() -> None:
    result = prefill(form(), profile())
    assert result.answers["full_name"] == "Nguyễn Văn An"
    assert result.answers["birth_date"] == "1990-05-17"
    assert result.answers["new_address"] == {
        "province_code": "01",
        "commune_code": "00008",
        "street": "5 Ngõ Núi Trúc",
    }
    # Each answer names the prefill source it came from (core/prefill/sources/).
    assert result.provenance == {
        "full_name": "identity",
        "personal_id": "identity",
        "birth_date": "identity",
        "sex": "identity",
        "phone": "profile",
        "email": "profile",
        "new_address": "profile",
    }
    assert result.filled_count == 7
    assert result.locked == {"full_name", "personal_id", "birth_date", "sex"}
    summary = result.summary()
    assert summary is not None and summary.params == {"count": 7}


def test_prefill_skips_what_the_profile_lacks() -> None:
    result = prefill(form(), profile(phone=None, email="", current_address=None, sex=None))
    assert "phone" not in result.answers and "email" not in result.answers and "sex" not in result.answers
    assert result.filled_count == 3


def test_locked_fields_are_put_back() -> None:
    locked = prefill(form(), profile()).locked_values
    answers, tampered = enforce_locked(complete_answers() | {"full_name": "Someone Else"}, locked)
    assert answers["full_name"] == "Nguyễn Văn An"
    assert tampered == ["full_name"]


def test_reusable_changes_offers_new_contact_data_only() -> None:
    answers = complete_answers() | {"phone": "0987654321", "full_name": "X"}
    changes = reusable_changes(form(), answers, profile())
    assert changes == {"contact.phone": "0987654321"}
    moved = complete_answers() | {
        "new_address": {"province_code": "01", "commune_code": "00004", "street": "1 A"}
    }
    assert reusable_changes(form(), moved, profile()) == {
        "contact.current_address": {"province_code": "01", "commune_code": "00004", "street": "1 A"}
    }
    assert reusable_changes(form(), complete_answers(), profile()) == {}
    assert reusable_changes(form(), complete_answers(), profile(email=None)) == {
        "contact.email": "an@example.vn"
    }


# --- migration ----------------------------------------------------------------------------------------


def test_migration_keeps_what_still_fits() -> None:
    raw = copy.deepcopy(raw_form(version=2))
    fields = raw["steps"][1]["fields"]
    fields[3]["validation"] = {"min": 1, "max": 2}  # household_size 3 no longer valid
    fields.insert(0, {"id": "move_date", "type": "date", "label": L("Ngày chuyển"), "required": True})
    del raw["steps"][0]["fields"][5]  # email removed
    new_form, _ = parse_form(raw)
    assert new_form is not None
    report = migrate_answers(complete_answers(), 1, new_form, TODAY, communes=communes)
    assert report.changed and not report.clean
    assert set(report.dropped) == {"email", "household_size"}
    assert report.now_required == ("move_date",)
    assert "email" not in report.answers and report.answers["full_name"] == "Nguyễn Văn An"
    assert [m.params for m in report.messages] == [{"count": 2}, {"count": 1}]


def test_migration_of_the_same_version_is_a_no_op() -> None:
    report = migrate_answers({"x": 1}, 1, form(), TODAY)
    assert not report.changed and report.answers == {"x": 1}


def test_every_message_is_translated() -> None:
    vi = get_translator("vi")
    errors = validate_all(form(), {"phone": "1"}, {}, TODAY, communes=communes).errors
    for msg in errors.values():
        assert vi.gettext(msg.msgid) != msg.msgid, msg.msgid
