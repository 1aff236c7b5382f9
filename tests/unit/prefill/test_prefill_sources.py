"""Prefill sources behind one registry: built-ins, a new source, slow and broken sources, rules that
follow the answers, data about someone else, and what a dossier records."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import dossiers
from citizen_app.core.dossiers import Actor, ProcedureTerms
from citizen_app.core.forms import FormSchema, parse_form, prefill
from citizen_app.core.forms.prefill import refresh_prefill
from citizen_app.core.i18n import get_translator
from citizen_app.core.prefill.registry import PrefillRegistry, discover, prefill_sources
from citizen_app.core.prefill.source import MSG_SOURCE_UNAVAILABLE, PrefillSource
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers.forms_fixtures import L, form, profile
from tests.unit.dossiers.helpers import NOW, make_user
from tests.unit.prefill.examples import (
    BrokenHouseholds,
    CivilStatusSource,
    HouseholdSource,
    SlowHouseholds,
    registered,
)

VI = get_translator("vi")
EN = get_translator("en")


def parsed(raw: dict[str, Any]) -> FormSchema:
    schema, errors = parse_form(raw, "form")
    assert not errors, errors
    assert schema is not None
    return schema


def problems(raw: dict[str, Any]) -> list[str]:
    _schema, errors = parse_form(raw, "form")
    return [f"{error.path}: {error.message}" for error in errors]


def one_step(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "steps": [{"id": "main", "title": L("Thông tin"), "fields": list(fields)}]}


NAME = {"id": "full_name", "type": "text", "label": L("Họ tên"), "prefill": "identity.full_name"}
PHONE = {"id": "phone", "type": "phone", "label": L("Điện thoại"), "prefill": "contact.phone"}
HEAD = {"id": "head", "type": "text", "label": L("Chủ hộ"), "prefill": "household.head_name"}
MEMBERS = {"id": "members", "type": "number", "label": L("Số nhân khẩu"), "prefill": "household.members"}
RELATIONSHIP = {
    "id": "relationship",
    "type": "radio",
    "label": L("Quan hệ với trẻ", "Relationship to the child"),
    "required": True,
    "options": [
        {"value": "mother", "label": L("Mẹ", "Mother")},
        {"value": "father", "label": L("Cha", "Father")},
        {"value": "other", "label": L("Người khác", "Someone else")},
    ],
}
AS_MOTHER = {"field": "relationship", "equals": "mother"}


def mother_form() -> FormSchema:
    """Birth registration: when the applicant is the mother, her own identity fills the mother's fields."""
    return parsed(
        one_step(
            RELATIONSHIP,
            {"id": "mother_name", "type": "text", "label": L("Họ tên mẹ"),
             "prefill": {"from": "identity.full_name", "when": AS_MOTHER}},
            {"id": "mother_pid", "type": "personal_id", "label": L("Số định danh của mẹ"),
             "prefill": {"from": "identity.personal_id", "when": AS_MOTHER}},
            {"id": "mother_phone", "type": "phone", "label": L("Điện thoại của mẹ"),
             "prefill": {"from": "contact.phone", "when": AS_MOTHER}},
        )
    )


# --- the registry -----------------------------------------------------------------------------------


def test_the_built_in_sources_are_plugins_of_one_registry() -> None:
    sources = prefill_sources()
    # The registries of issue 12 (population, civil status, social insurance) come after the profile.
    assert [source.key for source in sources] == [
        "identity", "profile", "population", "civil_status", "social_insurance",
    ]
    identity, profile_source = list(sources)[:2]
    assert identity.locks and not profile_source.locks
    assert sources.binding("identity.sex").option_values == ("male", "female")
    assert sources.binding("contact.phone").field_types == {"phone"}
    assert sources.source_of("identity.permanent_address") is identity
    # Each declares its label; the identity's names the provider that verified the person.
    assert VI.render(identity.label_for(profile(verified_by="VNeID"))) == "Đã xác thực bởi VNeID"
    assert EN.render(identity.label_for(profile(verified_by="Example ID"))) == "Verified by Example ID"
    assert VI.render(profile_source.label_for(profile())) == "Từ hồ sơ của bạn"
    assert all(source.timeout_seconds > 0 for source in sources)


def test_two_sources_may_not_claim_one_key_or_one_binding() -> None:
    class Impostor(HouseholdSource):
        key = "profile"

    class Thief(HouseholdSource):
        key = "thief"
        bindings = HouseholdSource.bindings[:1] + prefill_sources().source("profile").bindings[:1]

    with pytest.raises(ValueError, match="used twice"):
        PrefillRegistry([*discover(), Impostor()])
    with pytest.raises(ValueError, match=r"contact\.phone"):
        PrefillRegistry([*discover(), Thief()])


def test_a_form_may_only_bind_what_a_source_provides() -> None:
    assert any("unknown prefill binding 'household.head_name'" in p for p in problems(one_step(HEAD)))
    with registered(HouseholdSource()):
        parsed(one_step(HEAD))
        found = problems(one_step({**HEAD, "type": "date"}))
        assert "form.steps[0].fields[0].prefill: 'household.head_name' cannot fill a date field (needs text)" in found


# --- the worked example: a new source is one module --------------------------------------------------


def test_worked_example_a_registry_source_fills_its_fields_labelled_and_editable() -> None:
    with registered(HouseholdSource()):
        schema = parsed(one_step(NAME, HEAD, MEMBERS, PHONE))
        result = prefill(schema, profile())
    assert result.answers == {"full_name": "Nguyễn Văn An", "head": "Nguyễn Văn An", "members": 3,
                              "phone": "0912345678"}
    assert result.provenance == {"full_name": "identity", "head": "household", "members": "household",
                                 "phone": "profile"}
    assert result.locked == {"full_name"}  # registry data the citizen may correct stays editable
    assert result.labels["head"].msgid == "From the residence registry"
    assert [(o.key, o.status, o.fields) for o in result.outcomes] == [
        ("identity", "used", ("full_name",)),
        ("profile", "used", ("phone",)),
        ("household", "used", ("head", "members")),
    ]
    assert result.notices == ()


def test_a_source_with_nothing_for_this_person_is_recorded_as_empty() -> None:
    with registered(HouseholdSource()):
        result = prefill(parsed(one_step(NAME, HEAD)), profile(personal_id="079192003518"))
    assert "head" not in result.answers
    assert [(o.key, o.status) for o in result.outcomes] == [("identity", "used"), ("household", "empty")]
    assert result.notices == ()


# --- a source that is down or slow never blocks the form ---------------------------------------------


def test_a_slow_source_is_given_up_on_and_its_fields_stay_empty_with_a_notice() -> None:
    slow = SlowHouseholds()
    try:
        with registered(slow):
            schema = parsed(one_step(NAME, HEAD, MEMBERS, PHONE))
            result = prefill(schema, profile())
    finally:
        slow.release.set()
    assert slow.calls == 1  # one question for both of its fields
    assert result.answers == {"full_name": "Nguyễn Văn An", "phone": "0912345678"}
    assert "head" not in result.locked and "members" not in result.provenance
    outcome = next(o for o in result.outcomes if o.key == "household")
    assert (outcome.status, outcome.fields) == ("timeout", ("head", "members"))
    assert [VI.render(n) for n in result.notices] == [slow.unavailable]  # untranslated in the test catalogue


@pytest.mark.parametrize("failure", ["refused", "bug", "nonsense"])
def test_a_broken_source_leaves_its_fields_to_the_citizen(failure: str) -> None:
    with registered(BrokenHouseholds(failure)):
        result = prefill(parsed(one_step(NAME, HEAD)), profile())
    assert result.answers == {"full_name": "Nguyễn Văn An"}
    assert [(o.key, o.status) for o in result.outcomes] == [("identity", "used"), ("household", "unavailable")]
    assert [n.msgid for n in result.notices] == [HouseholdSource.unavailable]


def test_a_source_without_its_own_notice_gets_the_general_one() -> None:
    class Quiet(BrokenHouseholds):
        unavailable = PrefillSource.unavailable

    with registered(Quiet("refused")):
        result = prefill(parsed(one_step(HEAD)), profile())
    assert [VI.render(n) for n in result.notices] == [VI.gettext(MSG_SOURCE_UNAVAILABLE)]
    assert VI.render(result.notices[0]).startswith("Một số thông tin chưa thể điền sẵn")


# --- rules that follow the answers -------------------------------------------------------------------


def test_worked_example_the_mother_s_own_identity_fills_the_mother_s_fields() -> None:
    schema = mother_form()
    assert prefill(schema, profile()).answers == {}  # nobody has said who they are yet
    as_father = prefill(schema, profile(), answers={"relationship": "father"})
    assert as_father.answers == {}
    as_mother = prefill(schema, profile(full_name="Trần Thị Bình", personal_id="079192003518"),
                        answers={"relationship": "mother"})
    assert as_mother.answers == {"mother_name": "Trần Thị Bình", "mother_pid": "079192003518",
                                 "mother_phone": "0912345678"}
    assert as_mother.locked == {"mother_name", "mother_pid"}  # verified
    assert as_mother.provenance["mother_phone"] == "profile"  # editable


def test_a_rule_that_stops_holding_releases_its_fields() -> None:
    schema = mother_form()
    mother = profile(full_name="Trần Thị Bình", personal_id="079192003518")
    first = refresh_prefill(schema, {"relationship": "mother", "mother_phone": "0987654321"}, {}, {}, mother)
    assert first.locked_values == {"mother_name": "Trần Thị Bình", "mother_pid": "079192003518"}
    assert first.answers["mother_phone"] == "0987654321"  # what she typed over an editable value stays
    # She corrects herself: she is not the mother. Her verified data leaves the mother's fields.
    changed = {**first.answers, "relationship": "other"}
    second = refresh_prefill(schema, changed, first.provenance, first.locked_values, mother)
    assert second.locked_values == {}
    assert "mother_name" not in second.answers and "mother_pid" not in second.answers
    assert second.answers["mother_phone"] == "0987654321"  # typed, so kept
    assert second.provenance == {}


def test_the_verified_identity_wins_over_what_was_typed() -> None:
    schema = mother_form()
    typed = {"relationship": "mother", "mother_name": "Someone Else"}
    refreshed = refresh_prefill(schema, typed, {}, {}, profile(full_name="Trần Thị Bình"))
    assert refreshed.answers["mother_name"] == "Trần Thị Bình"
    assert refreshed.provenance["mother_name"] == "identity"


def test_data_about_someone_else_comes_from_a_registry_keyed_by_an_earlier_answer() -> None:
    with registered(CivilStatusSource()):
        schema = parsed(
            one_step(
                {"id": "deceased_pid", "type": "personal_id", "label": L("Số định danh người mất")},
                {"id": "deceased_name", "type": "text", "label": L("Họ tên người mất"),
                 "prefill": {"from": "civil.full_name", "about": "deceased_pid"}},
                {"id": "deceased_birth", "type": "date", "label": L("Ngày sinh người mất"),
                 "prefill": {"from": "civil.date_of_birth", "about": "deceased_pid"}},
            )
        )
        nobody_yet = prefill(schema, profile())
        named = prefill(schema, profile(), answers={"deceased_pid": "001045000123"})
    assert nobody_yet.answers == {} and nobody_yet.outcomes == ()  # nothing asked without an ID number
    assert named.answers == {"deceased_name": "Nguyễn Văn Tư", "deceased_birth": "1945-02-11"}
    assert named.locked == {"deceased_name", "deceased_birth"}
    assert named.labels["deceased_name"].msgid == "From the civil status registry"


@pytest.mark.parametrize(
    ("prefill_rule", "problem"),
    [
        ({"from": "identity.full_name", "when": {"field": "later", "equals": "x"}},
         "refers to 'later', which is not a field before this one"),
        ({"from": "identity.full_name", "when": {"field": "relationship", "equals": "aunt"}},
         "'aunt' is not an option of 'relationship'"),
        ({"from": "identity.full_name", "about": "nobody"}, "refers to 'nobody', which is not a question before"),
        ({"from": "identity.full_name", "if": AS_MOTHER}, "unknown key 'if'"),
        ({"when": AS_MOTHER}, "prefill.from: missing"),
    ],
)
def test_prefill_rules_are_checked_when_the_catalogue_loads(prefill_rule: dict[str, Any], problem: str) -> None:
    raw = one_step(RELATIONSHIP, {"id": "name", "type": "text", "label": L("Tên"), "prefill": prefill_rule},
                   {"id": "later", "type": "text", "label": L("Sau")})
    found = problems(raw)
    assert any(problem in line for line in found), found


# --- what the dossier records ------------------------------------------------------------------------


def birth_terms(schema: FormSchema) -> ProcedureTerms:
    return ProcedureTerms(code="1.001193", name={"vi": "Đăng ký khai sinh", "en": "Birth registration"},
                          level="commune", form=schema, processing_days={"online": 1})


def test_a_draft_records_its_sources_and_follows_the_answers(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    mother = profile(full_name="Trần Thị Bình", personal_id="079192003518", verified_by="Example ID")
    terms = birth_terms(mother_form())
    view = dossiers.start_draft(db_session, citizen, terms, mother, now=NOW)
    assert view.answers == {} and view.prefill_sources == {}
    dossiers.save_draft(db_session, view.dossier_id, citizen, {"relationship": "mother"}, 1, now=NOW)
    db_session.expire_all()
    # The next page the citizen opens resumes the draft: the rule now holds.
    resumed = dossiers.resume_draft(db_session, view.dossier_id, citizen, terms, mother, now=NOW)
    assert resumed.answers["mother_name"] == "Trần Thị Bình"
    assert resumed.locked == {"mother_name", "mother_pid"}
    assert EN.render(resumed.labels["mother_name"]) == "Verified by Example ID"
    assert VI.render(resumed.labels["mother_phone"]) == "Từ hồ sơ của bạn"
    db_session.commit()
    stored = db_session.get(Dossier, view.dossier_id)
    db_session.refresh(stored)
    assert stored.prefill_sources["identity"]["status"] == "used"
    assert stored.prefill_sources["identity"]["fields"] == ["mother_name", "mother_pid"]
    assert stored.prefill_sources["profile"]["fields"] == ["mother_phone"]
    # A locked value cannot be changed by a save, then goes when the rule stops holding.
    saved = dossiers.save_draft(db_session, view.dossier_id, citizen, {"mother_name": "X"}, 1, now=NOW)
    assert saved.restored == ("mother_name",)
    dossiers.save_draft(db_session, view.dossier_id, citizen, {"relationship": "father"}, 1, now=NOW)
    db_session.expire_all()  # autosave writes past the session, as the next request would see it
    again = dossiers.resume_draft(db_session, view.dossier_id, citizen, terms, mother, now=NOW)
    assert "mother_name" not in again.answers and again.locked == frozenset()


def test_a_source_down_at_resume_changes_nothing_it_filled_and_says_so(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    with registered(HouseholdSource()):
        terms = birth_terms(parsed(one_step(NAME, HEAD, MEMBERS)))
        first = dossiers.start_draft(db_session, citizen, terms, profile(), now=NOW)
    assert first.answers["head"] == "Nguyễn Văn An" and first.notices == ()
    with registered(BrokenHouseholds("refused")):
        resumed = dossiers.resume_draft(db_session, first.dossier_id, citizen, terms, profile(), now=NOW)
    assert resumed.answers["head"] == "Nguyễn Văn An" and resumed.provenance["head"] == "household"
    assert [n.msgid for n in resumed.notices] == [HouseholdSource.unavailable]
    assert resumed.prefill_sources["household"]["status"] == "unavailable"
    assert resumed.prefill_sources["household"]["fields"] == ["head", "members"]


def test_a_draft_whose_source_was_down_at_the_start_is_filled_when_it_is_back(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    with registered(BrokenHouseholds("bug")):
        terms = birth_terms(parsed(one_step(NAME, HEAD)))
        first = dossiers.start_draft(db_session, citizen, terms, profile(), now=NOW)
    assert "head" not in first.answers and [n.msgid for n in first.notices] == [HouseholdSource.unavailable]
    assert first.prefill_sources["household"] == {"status": "unavailable", "at": NOW.isoformat(), "fields": []}
    with registered(HouseholdSource()):
        back = dossiers.resume_draft(db_session, first.dossier_id, citizen, terms, profile(), now=NOW)
    assert back.answers["head"] == "Nguyễn Văn An" and back.notices == ()
    assert back.prefill_sources["household"]["status"] == "used"


def test_drafts_written_before_sources_had_keys_read_verified_as_the_identity(db_session: Session) -> None:
    citizen = Actor.citizen(make_user(db_session))
    terms = birth_terms(form())
    view = dossiers.start_draft(db_session, citizen, terms, profile(), now=NOW)
    stored = db_session.get(Dossier, view.dossier_id)
    stored.provenance = {**stored.provenance, "full_name": "verified"}
    db_session.flush()
    resumed = dossiers.resume_draft(db_session, view.dossier_id, citizen, terms, profile(), now=NOW)
    assert resumed.provenance["full_name"] == "identity"
    assert VI.render(resumed.labels["full_name"]) == "Đã xác thực bởi VNeID"
