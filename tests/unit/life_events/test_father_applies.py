"""The father applying for the birth group (issue 12, "the mother, or the father"): his own verified
identity fills the father's fields, and the mother's come from the civil-status registry's marriage
record, as the mother's case does the other way round. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.orm import Session

from citizen_app.core.dossiers import Actor
from citizen_app.core.forms.prefill import active_rule, prefill
from citizen_app.core.forms.schema import parse_form
from citizen_app.db.models.dossiers import Dossier
from tests.unit.dossiers.helpers import make_user
from tests.unit.life_events.helpers import BABY, birth_group, fill, profile_of, registries, send

FATHER_FIELDS = ("father_full_name", "father_personal_id", "father_birth_date")
MOTHER_FIELDS = ("mother_full_name", "mother_personal_id", "mother_birth_date")


def test_the_father_applies_and_his_identity_fills_the_fathers_fields(db_session: Session) -> None:
    group = birth_group()
    father, profile = Actor.citizen(make_user(db_session)), profile_of("an.nguyen")
    with registries():
        draft_id = fill(db_session, group, father, profile, {"relationship": "father"}, BABY)
        draft = db_session.get(Dossier, draft_id)
        assert draft is not None
        answers, provenance = draft.answers, draft.provenance
        # His own identity, verified and locked, in the father's fields.
        assert (answers["father_full_name"], answers["father_personal_id"]) == ("Nguyễn Văn An", profile.personal_id)
        assert answers["father_birth_date"] == profile.date_of_birth.isoformat()  # type: ignore[union-attr]
        assert all(provenance[f] == "identity" and f in draft.locked_values for f in FATHER_FIELDS)
        # The mother from his registered marriage: editable, labelled with the civil-status registry.
        assert answers["father_known"] == "yes" and provenance["father_known"] == "civil_status"
        assert answers["mother_full_name"] == "Đặng Thị Thu"
        assert answers["mother_personal_id"] == profile_of("thu.dang").personal_id
        assert all(provenance[f] == "civil_status" and f not in draft.locked_values for f in MOTHER_FIELDS)
        assert answers["home_town"] == profile.place_of_origin and provenance["home_town"] == "identity"
        result = send(db_session, draft_id, group, father, profile)
    db_session.commit()
    assert result.dossier.status == "linked"
    sent = result.dossier.answers
    assert sent["father_full_name"] == "Nguyễn Văn An" and sent["mother_full_name"] == "Đặng Thị Thu"


def test_changing_from_mother_to_father_moves_the_verified_identity(db_session: Session) -> None:
    """She said "mother" by mistake (it is the father applying): his identity leaves the mother's fields."""
    group = birth_group()
    father, profile = Actor.citizen(make_user(db_session)), profile_of("an.nguyen")
    with registries():
        draft_id = fill(db_session, group, father, profile, {"relationship": "mother"}, {"relationship": "father"})
        draft = db_session.get(Dossier, draft_id)
        assert draft is not None
        db_session.refresh(draft)
        assert draft.answers["mother_full_name"] == "Đặng Thị Thu"
        assert draft.provenance["mother_full_name"] == "civil_status"
        assert not set(MOTHER_FIELDS) & set(draft.locked_values)
        assert draft.answers["father_full_name"] == "Nguyễn Văn An" and "father_full_name" in draft.locked_values


def test_a_father_the_registry_knows_no_marriage_of_types_the_mother() -> None:
    """Nothing on record: the mother's fields stay empty to type, the father's still filled and verified."""
    group = birth_group()
    profile = profile_of("duc.hoang")
    with registries():
        filled = prefill(group.form, profile, answers={"relationship": "father"})
    assert filled.answers["father_full_name"] == profile.full_name and "father_full_name" in filled.locked_fields
    assert not set(MOTHER_FIELDS) & set(filled.answers)
    assert "father_known" not in filled.answers  # no record at all: the question stays for him to answer
    assert {o.key: o.status for o in filled.outcomes}["civil_status"] == "empty"


def test_a_list_of_prefill_rules_takes_the_first_that_holds() -> None:
    form, errors = parse_form({
        "version": 1,
        "steps": [{
            "id": "one",
            "title": {"vi": "Một", "en": "One"},
            "fields": [
                {"id": "who", "type": "radio", "label": {"vi": "Ai", "en": "Who"},
                 "options": [{"value": "a", "label": {"vi": "A", "en": "A"}},
                             {"value": "b", "label": {"vi": "B", "en": "B"}}]},
                {"id": "name", "type": "text", "label": {"vi": "Tên", "en": "Name"},
                 "prefill": [
                     {"from": "identity.full_name", "when": {"field": "who", "equals": "a"}},
                     {"from": "civil_status.spouse_full_name", "when": {"field": "who", "equals": "b"}},
                 ]},
            ],
        }],
    })
    assert not errors and form is not None
    field = form.field("name")
    assert field is not None and len(field.prefill_rules) == 2
    assert field.prefill == "identity.full_name"  # the first rule, for code that reads one binding
    assert active_rule(form, field, {"who": "a"}).binding == "identity.full_name"  # type: ignore[union-attr]
    assert active_rule(form, field, {"who": "b"}).binding == "civil_status.spouse_full_name"  # type: ignore[union-attr]
    assert active_rule(form, field, {}) is None
    # A list entry must be a rule.
    _, refused = parse_form({"version": 1, "steps": [{"id": "one", "title": {"vi": "Một", "en": "One"}, "fields": [
        {"id": "name", "type": "text", "label": {"vi": "Tên", "en": "Name"}, "prefill": ["identity.full_name"]},
    ]}]})
    assert refused and "prefill[0]" in refused[0].path
