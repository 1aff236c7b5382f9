"""Catalogue files: every kind of schema problem is reported, all at once, located by file."""

from __future__ import annotations

from pathlib import Path

import pytest

from citizen_app.core.catalog import CatalogError, Localized, check_catalog, load_catalog
from citizen_app.core.catalog.loader import parse_procedure
from citizen_app.core.catalog.taxonomy import parse_taxonomy
from tests.unit.catalog.helpers import TAXONOMY, procedure, write_catalog


def problems_of(tmp_path: Path, entries: list[dict], **kwargs) -> list[str]:
    directory = write_catalog(tmp_path / "services_catalog", entries, **kwargs)
    return [str(p) for p in check_catalog(directory).problems]


def test_valid_catalogue_loads_typed_procedures(tmp_path: Path) -> None:
    directory = write_catalog(tmp_path / "services_catalog", [procedure(popular=1)])
    loaded = load_catalog(directory)
    assert loaded.problems == ()
    (birth,) = loaded.procedures
    assert birth.code == "1.001193"
    assert birth.name == Localized(vi="Thủ tục đăng ký khai sinh", en="Birth registration")
    assert birth.name["en"] == "Birth registration"
    assert dict(birth.name) == {"vi": birth.name.vi, "en": birth.name.en}
    assert birth.fee_for("counter").amount_vnd == 8000
    assert birth.fastest_working_days == 0 and birth.lowest_fee_vnd == 0
    assert birth.documents[0].originals == 1 and birth.documents[0].required is True
    assert birth.assurance_level == 1 and birth.popular == 1
    assert not birth.information_only and birth.form is None and not birth.can_apply_online


def test_files_starting_with_underscore_are_not_procedures(tmp_path: Path) -> None:
    assert problems_of(tmp_path, [procedure()], raw_files={"_notes.yaml": "anything: [1, 2"}) == []


def test_missing_key(tmp_path: Path) -> None:
    assert problems_of(tmp_path, [procedure(summary=None)]) == [
        "services_catalog/1.001193.yaml: summary: is required"
    ]


def test_wrong_type(tmp_path: Path) -> None:
    entry = procedure(fees=[{"channel": "counter", "amount_vnd": "8000"}])
    assert problems_of(tmp_path, [entry]) == [
        "services_catalog/1.001193.yaml: fees[0].amount_vnd: must be a non-negative integer"
    ]


def test_negative_amount_and_boolean_count_are_wrong_types(tmp_path: Path) -> None:
    entry = procedure(
        fees=[{"channel": "counter", "amount_vnd": -1}],
        documents=[{"name": {"vi": "a", "en": "a"}, "originals": True, "copies": 0, "required": "yes"}],
    )
    assert problems_of(tmp_path, [entry]) == [
        "services_catalog/1.001193.yaml: fees[0].amount_vnd: must be a non-negative integer",
        "services_catalog/1.001193.yaml: documents[0].originals: must be a non-negative integer",
        "services_catalog/1.001193.yaml: documents[0].required: must be true or false, not a string",
    ]


def test_unknown_key_at_any_depth(tmp_path: Path) -> None:
    entry = procedure(colour="blue", name={"vi": "Khai sinh", "en": "Birth", "fr": "Naissance"})
    assert problems_of(tmp_path, [entry]) == [
        "services_catalog/1.001193.yaml: colour: unknown key",
        "services_catalog/1.001193.yaml: name.fr: unknown key",
    ]


def test_localized_needs_both_languages(tmp_path: Path) -> None:
    assert problems_of(tmp_path, [procedure(applicants={"vi": "Cha, mẹ"})]) == [
        "services_catalog/1.001193.yaml: applicants.en: is required"
    ]
    assert problems_of(tmp_path, [procedure(applicants="Cha, mẹ")]) == [
        "services_catalog/1.001193.yaml: applicants: must be a mapping, not a string"
    ]


def test_bad_code(tmp_path: Path) -> None:
    assert problems_of(tmp_path, [procedure(code="1.2")]) == [
        "services_catalog/1.2.yaml: code: '1.2' is not a national procedure code like 1.001193"
    ]


def test_unquoted_code_read_as_number_gets_a_hint(tmp_path: Path) -> None:
    directory = write_catalog(tmp_path / "services_catalog", [procedure()])
    text = (directory / "1.001193.yaml").read_text("utf-8").replace("code: '1.001193'", "code: 1.001193")
    (directory / "1.001193.yaml").write_text(text, "utf-8")
    (problem,) = check_catalog(directory).problems
    assert str(problem).startswith("services_catalog/1.001193.yaml: code: must be a string, not a number")
    assert "quotes" in str(problem)


def test_code_must_match_file_name(tmp_path: Path) -> None:
    directory = write_catalog(tmp_path / "services_catalog", [procedure()])
    (directory / "1.001193.yaml").rename(directory / "1.000656.yaml")
    assert [str(p) for p in check_catalog(directory).problems] == [
        "services_catalog/1.000656.yaml: code: '1.001193' does not match the file name 1.000656.yaml"
    ]


def test_unknown_taxonomy_keys(tmp_path: Path) -> None:
    entry = procedure(field="weddings", life_events=["having-a-baby", "winning-the-lottery"])
    assert problems_of(tmp_path, [entry]) == [
        "services_catalog/1.001193.yaml: field: unknown field 'weddings' (not in _taxonomy.yaml)",
        "services_catalog/1.001193.yaml: life_events[1]: unknown life event 'winning-the-lottery' "
        "(not in _taxonomy.yaml)",
    ]


def test_bad_enumerations(tmp_path: Path) -> None:
    entry = procedure(level="district", online_level="some", assurance_level=3,
                      processing_time=[{"channel": "fax", "working_days": 2}])
    assert problems_of(tmp_path, [entry]) == [
        "services_catalog/1.001193.yaml: level: must be one of commune, province, not 'district'",
        "services_catalog/1.001193.yaml: online_level: must be one of full, partial, not 'some'",
        "services_catalog/1.001193.yaml: assurance_level: must be 1 or 2, not 3",
        "services_catalog/1.001193.yaml: processing_time[0].channel: "
        "must be one of online, counter, post, not 'fax'",
    ]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    good = procedure(code="1.000894", name_vi="Thủ tục đăng ký kết hôn", name_en="Marriage registration")
    bad_one = procedure(summary=None, fees=[{"channel": "online", "amount_vnd": 1.5}], extra=1)
    bad_two = procedure(code="1.000656", field="nope", results=[])
    directory = write_catalog(tmp_path / "services_catalog", [good, bad_one, bad_two],
                              raw_files={"1.004222.yaml": "code: [unclosed"})
    with pytest.raises(CatalogError) as raised:
        load_catalog(directory)
    messages = [str(p) for p in raised.value.problems]
    assert messages == [
        "services_catalog/1.000656.yaml: field: unknown field 'nope' (not in _taxonomy.yaml)",
        "services_catalog/1.000656.yaml: results: must name at least one result document",
        "services_catalog/1.001193.yaml: summary: is required",
        "services_catalog/1.001193.yaml: extra: unknown key",
        "services_catalog/1.001193.yaml: fees[0].amount_vnd: must be a non-negative integer",
        messages[5],
    ]
    assert messages[5].startswith("services_catalog/1.004222.yaml: not valid YAML (line 1")
    assert "4 problem" not in str(raised.value) and "6 problem(s)" in str(raised.value)


def test_missing_directory_and_taxonomy_are_problems(tmp_path: Path) -> None:
    assert check_catalog(tmp_path / "nowhere").problems
    directory = write_catalog(tmp_path / "services_catalog", [procedure()])
    (directory / "_taxonomy.yaml").unlink()
    messages = [str(p) for p in check_catalog(directory).problems]
    assert messages[0] == "services_catalog/_taxonomy.yaml: is missing"


def test_taxonomy_problems() -> None:
    _taxonomy, errors = parse_taxonomy(
        {
            "fields": {
                "Bad Slug": {"name": {"vi": "x", "en": "x"}},
                "a": {"name": {"vi": "A", "en": "A"}, "index_names": ["Hộ tịch"]},
                "b": {"name": {"vi": "B"}, "index_names": ["hộ tịch"]},
            },
            "life_events": {"ok": {"name": {"vi": "x", "en": "x"}, "colour": "red"}},
        }
    )
    assert [f"{e.path}: {e.message}" for e in errors] == [
        "fields.Bad Slug: 'Bad Slug' is not a slug (lowercase letters, digits and hyphens)",
        "fields.b.name.en: is required",
        "fields.b.index_names[0]: 'hộ tịch' is already grouped under 'a'",
        "life_events.ok.colour: unknown key",
    ]


def test_index_fields_map_to_taxonomy_or_to_a_folded_slug() -> None:
    taxonomy, errors = parse_taxonomy(TAXONOMY)
    assert errors == []
    assert taxonomy.index_field("Hộ tịch").slug == "civil-status"
    assert taxonomy.index_field("hộ  tịch").slug == "civil-status"  # spacing and case do not matter
    made_up = taxonomy.index_field("Thi đua – Khen thưởng")
    assert made_up.slug == "thi-dua-khen-thuong" and made_up.from_index
    assert made_up.name == Localized(vi="Thi đua – Khen thưởng", en="Thi đua – Khen thưởng")
    assert taxonomy.index_field("").slug == "other"


def test_form_section_goes_to_the_form_engine() -> None:
    taxonomy, _ = parse_taxonomy(TAXONOMY)
    seen: list[tuple[object, str]] = []

    def fake_parser(raw: object, path: str):
        seen.append((raw, path))
        return {"parsed": True}, []

    entry = procedure(form={"version": 1, "steps": []})
    parsed, errors = parse_procedure(entry, taxonomy, form_parser=fake_parser)
    assert errors == [] and parsed.form == {"parsed": True}
    assert seen == [({"version": 1, "steps": []}, "form")]


def test_form_engine_errors_are_reported_with_the_file(tmp_path: Path) -> None:
    field = {"id": "x", "type": "txt", "label": {"vi": "a", "en": "a"}}
    bad_form = {"version": 1, "steps": [{"id": "s", "title": {"vi": "a", "en": "a"}, "fields": [field]}]}
    messages = problems_of(tmp_path, [procedure(form=bad_form)])
    assert messages and all(m.startswith("services_catalog/1.001193.yaml: form.steps[0]") for m in messages)
