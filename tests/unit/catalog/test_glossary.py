"""English names for the national index: the glossary's rules, and the real catalogue's coverage."""

from __future__ import annotations

from collections import Counter

import pytest

from citizen_app.core.catalog import Catalog, check_catalog
from citizen_app.core.catalog.glossary import parse_english_names, parse_glossary
from citizen_app.core.catalog.index_import import procedures_from_rows, read_index
from citizen_app.core.catalog.usage import most_used
from citizen_app.core.i18n import get_translator
from citizen_app.core.text import has_accented_letters
from citizen_app.settings import get_settings
from citizen_app.ui.catalog_view import result_card, service_view

RAW = {
    "actions": {"cấp lại": "reissue | reissue", "đăng ký": "register | registration", "vận chuyển": "transport | transport"},
    "nouns": {"thủ tục": "procedure", "giấy phép": "licence", "hàng hóa": "goods", "thẻ căn cước": "identity card", "mức độ": "level",
              "tài khoản": "account", "đường bộ": "road", "giấy chứng nhận": "certificate"},
    "modifiers": {"nguy hiểm": "dangerous", "Việt Nam": "Vietnamese | Vietnam", "điện tử": "electronic"},
    "links": {"trên": "on", "cho": "for", "tại": "in"},
    "phrases": {"có yếu tố nước ngoài": "with a foreign element", "thực hiện tại cấp tỉnh": "at province level"},
    "drop": ["các"],
}


@pytest.fixture(scope="module")
def glossary():  # type: ignore[no-untyped-def]
    parsed, errors = parse_glossary(RAW)
    assert errors == []
    return parsed


@pytest.mark.parametrize(
    ("vietnamese", "english"),
    [
        # an action starts the name; the noun phrase is reversed into English order
        ("Cấp lại giấy phép vận chuyển hàng hóa nguy hiểm", "Reissue dangerous goods transport licence"),
        # links and fixed phrases stay where they are; "Thủ tục" before an action says nothing
        ("Thủ tục đăng ký thẻ căn cước có yếu tố nước ngoài", "Register identity card with a foreign element"),
        ("Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)", "Reissue identity card (at province level)"),
        # a modifier on its own takes its noun form; a number stays with its word
        ("Đăng ký tài khoản điện tử mức độ 02 tại Việt Nam", "Register electronic account level 02 in Vietnam"),
        # case, tone placement and i/y do not matter; acronyms and dates pass through
        ("ĐĂNG KÍ giấy chứng nhận ABTC trên đường bộ", "Register ABTC certificate on road"),
        ("Đăng ký giấy phép mức độ 2", "Register licence level 2"),
        ("Cấp lại các giấy phép cho hàng hoá ngày 01 tháng 7 năm 2004", "Reissue licence for goods 01/7/2004"),
    ],
)
def test_names_are_composed_from_the_glossary(glossary, vietnamese: str, english: str) -> None:  # type: ignore[no-untyped-def]
    assert glossary.translate(vietnamese) == english


def test_a_name_with_a_word_outside_the_glossary_stays_vietnamese(glossary) -> None:  # type: ignore[no-untyped-def]
    assert glossary.translate("Cấp lại giấy phép khai thác khoáng sản") is None
    assert glossary.missing_words("Cấp lại giấy phép khai thác khoáng sản") == ["khai", "thác", "khoáng", "sản"]
    named = glossary.english_name("1.000001", "Cấp lại giấy phép khai thác khoáng sản")
    assert (named.text, named.source) == (None, "none")


def test_reviewed_names_win_and_kept_names_are_marked_reviewed(glossary) -> None:  # type: ignore[no-untyped-def]
    reviewed, errors = parse_english_names(glossary, {"kept": ["1.000002"], "names": {"1.000003": "Better name"}})
    assert errors == []
    assert reviewed.english_name("1.000001", "Cấp lại thẻ căn cước").source == "glossary"
    assert reviewed.english_name("1.000002", "Cấp lại thẻ căn cước").source == "reviewed"
    assert reviewed.english_name("1.000003", "Cấp lại thẻ căn cước").text == "Better name"


def test_glossary_problems_are_reported() -> None:
    _, errors = parse_glossary({"nouns": {"thẻ": "card", "Thẻ": "card"}, "links": {"cho": "for | to"}, "verbs": {}})
    assert {e.path for e in errors} == {"nouns.Thẻ", "links.cho", "verbs"}
    _, errors = parse_english_names(parse_glossary({})[0], {"kept": ["1.000001"], "names": {"1.000001": "x"}})
    assert [e.path for e in errors] == ["kept.1.000001"]


# --- the real catalogue ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Catalog:
    settings = get_settings()
    path = settings.shared_data_dir / "procedure_index.csv"
    if not path.exists():
        pytest.skip(f"the national index is not at {path} (set SHARED_DATA_DIR)")
    loaded = check_catalog(settings.catalog_dir)
    rows, _ = read_index(path)
    return Catalog(loaded.taxonomy, loaded.procedures, procedures_from_rows(rows, loaded.taxonomy))


def test_every_index_entry_has_an_english_name(real: Catalog) -> None:
    entries = [p for p in real.all() if p.information_only]
    sources = Counter(p.english_name_source for p in entries)
    assert len(entries) >= 2600
    assert sources["none"] == 0, [p.code for p in entries if not p.has_english_name][:10]
    # No Vietnamese word is left in an English name, except legal references (14/2020/NĐ-CP),
    # acronyms (TTĐB) and place names.
    places = ("Hà Tĩnh", "Thanh Hóa", "Nghệ An", "Khánh Hòa")
    leftovers = []
    for p in entries:
        text = p.name.en
        for place in places:
            text = text.replace(place, "")
        words = [w for w in text.split() if not any(ch.isdigit() or ch.isupper() for ch in w)]
        if p.name.en == p.name.vi or has_accented_letters(" ".join(words)):
            leftovers.append((p.code, p.name.en))
    assert leftovers == []


def test_the_500_most_used_entries_have_reviewed_or_curated_names(real: Catalog) -> None:
    top = most_used(real.all(), real.taxonomy, 500)
    assert Counter(p.english_name_source for p in top) == {"reviewed": 468, "curated": 32}


def test_reviewed_names_refer_to_index_entries(real: Catalog) -> None:
    glossary = real.taxonomy.glossary
    assert len(glossary.kept) + len(glossary.names) >= 468
    assert [code for code in (*glossary.kept, *glossary.names) if code not in real] == []


def test_english_pages_say_how_far_to_trust_a_name(real: Catalog) -> None:
    en, vi = get_translator("en"), get_translator("vi")
    reviewed = real.get("1.013978")
    composed = next(p for p in real.all() if p.english_name_source == "glossary")
    assert reviewed is not None
    assert result_card(reviewed, en).name_note == ""
    assert result_card(composed, en).name_note == "Name translated automatically"
    assert result_card(composed, vi).name_note == ""
    view = service_view(composed, real, en)
    assert view.name == composed.name.en and view.official_name == f"Official name (Vietnamese): {composed.name.vi}"
    assert "translated automatically" in view.name_note
    vietnamese_only = composed.__class__(**{**composed.__dict__, "english_name_source": "none"})
    assert result_card(vietnamese_only, en).name_note == "Name in Vietnamese only"
