"""How the search understands citizens' questions, pinned on a small catalogue of its own.

Each rule of citizen_app/core/search_query.py and citizen_app/core/search.py has a test here;
tests/unit/search/test_evaluation.py measures them together on the real catalogue.
"""

from __future__ import annotations

import dataclasses

import pytest

from citizen_app.core.catalog import Catalog, Procedure
from citizen_app.core.catalog.audience import parse_audience
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.catalog.loader import parse_procedure
from citizen_app.core.catalog.taxonomy import Taxonomy, parse_taxonomy
from citizen_app.core.catalog.vocabulary import parse_vocabulary
from citizen_app.core.search import MatchTier, SearchIndex
from tests.unit.catalog.helpers import TAXONOMY, procedure

VOCABULARY = {
    "stop_words": {
        "vi": ["tôi", "làm", "thế nào", "như thế nào", "đang", "cho", "gì", "giấy tờ gì"],
        "en": ["how do i", "i", "my", "a", "the", "of", "for", "to"],
    },
    "purpose_words": {"vi": ["để"], "en": []},
    "synonyms": [
        {"say": ["sổ đỏ", "sổ hồng"], "means": ["giấy chứng nhận quyền sử dụng đất", "giấy chứng nhận"]},
        {"say": ["mất", "bị mất"], "means": ["mất", "cấp lại"]},
        {"say": ["làm lại"], "means": ["cấp lại"]},
        {"say": ["cccd", "căn cước công dân"], "means": ["căn cước"]},
        {"say": ["lost"], "means": ["lost", "loss", "reissue"]},
        {"say": ["id card"], "means": ["identity card"]},
    ],
}
LIFE_EVENTS = {
    "having-a-baby": {
        "name": {"vi": "Sinh con", "en": "Having a baby"},
        "cues": ["con|bé + sinh|mới sinh", "newborn|had a baby"],
        "answers": ["1.001193"],
    },
    "death-in-the-family": {
        "name": {"vi": "Khi gia đình có người mất", "en": "A death in the family"},
        "cues": ["bố|mẹ|father|mother + mất|vừa mất|qua đời|died"],
        "answers": ["1.000656"],
    },
    "moving-house": {"name": {"vi": "Chuyển nơi ở", "en": "Moving house"}},
}
AUDIENCE = {
    "words": {"citizen": ["hộ gia đình", "cá nhân"], "organisation": ["đối với tổ chức", "doanh nghiệp"]},
    "fields": {"civil-status": "citizen"},
}


def taxonomy() -> Taxonomy:
    raw = {**TAXONOMY, "life_events": {**TAXONOMY["life_events"], **LIFE_EVENTS}}
    parsed, errors = parse_taxonomy(raw)
    assert errors == []
    vocabulary, errors = parse_vocabulary(VOCABULARY)
    assert errors == []
    audience, errors = parse_audience(AUDIENCE)
    assert errors == []
    return dataclasses.replace(parsed, vocabulary=vocabulary, audience=audience)


TAX = taxonomy()


def curated(**kwargs: object) -> Procedure:
    parsed, errors = parse_procedure(procedure(**kwargs), TAX)
    assert errors == []
    assert parsed is not None
    return parsed


def entry(code: str, name: str, field: str = "Hộ tịch", en: str | None = None) -> Procedure:
    (made,) = procedures_from_rows([IndexRow(code, name, "commune", "Cấp xã", field, "bo-tu-phap")], TAX)
    if en is not None:
        made = dataclasses.replace(made, name=dataclasses.replace(made.name, en=en), english_name_source="reviewed")
    return made


def build(*procedures: Procedure) -> SearchIndex:
    catalog = Catalog(TAX, [p for p in procedures if not p.information_only], [p for p in procedures if p.information_only])
    return SearchIndex(catalog.all(), catalog)


INDEX = build(
    curated(popular=1),  # 1.001193 Thủ tục đăng ký khai sinh
    curated(code="1.000656", name_vi="Thủ tục đăng ký khai tử", name_en="Death registration",
            life_events=["death-in-the-family"]),
    curated(code="1.003197", name_vi="Xóa đăng ký thường trú", name_en="Removing a permanent residence",
            field="residence", life_events=["death-in-the-family", "moving-house"]),
    entry("1.000894", "Thủ tục đăng ký kết hôn", en="Register a marriage"),
    entry("1.004746", "Thủ tục đăng ký lại kết hôn", en="Re-register a marriage"),
    entry("1.014064", "Cấp lại thẻ căn cước", field="Cấp, quản lý căn cước", en="Reissue an identity card"),
    entry("1.014061", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", field="Cấp, quản lý căn cước",
          en="Issue an identity card to people aged 14 and over"),
    entry("1.004194", "Đăng ký tạm trú", field="Đăng ký, quản lý cư trú", en="Register temporary residence"),
    entry("1.000213", "Tạm dừng nghiệp vụ chứng thư chữ ký điện tử", field="Hải quan"),
    entry("1.013978", "Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu đối với hộ gia đình, cá nhân",
          field="Đất đai"),
    entry("1.014067", "Cấp đổi giấy chứng nhận căn cước", field="Cấp, quản lý căn cước"),
    entry("1.010386", "Trình báo mất hộ chiếu phổ thông", field="Quản lý xuất nhập cảnh",
          en="Report the loss of an ordinary passport"),
    entry("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", en="Certificate of marital status"),
)


def codes(query: str, **kwargs: object) -> list[str]:
    return INDEX.search(query, limit=50, **kwargs).codes  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["đăng ký kết hôn", "đăng kí kết hôn", "dang ki ket hon", "DANG KY KET HON"])
def test_i_and_y_are_one_spelling(query: str) -> None:
    assert codes(query)[0] == "1.000894"


def test_stop_words_and_question_words_are_dropped() -> None:
    assert codes("làm đăng ký kết hôn như thế nào")[0] == "1.000894"
    assert codes("how do I register a marriage", locale="en")[0] == "1.000894"


def test_an_accented_stop_word_never_swallows_another_word_of_the_same_letters() -> None:
    """"đang" is a stop word; "đăng" (ký) folds to the same letters but is typed with its accents."""
    analysed = INDEX.analyse("đăng ký tạm trú")
    assert analysed.concepts[0].typed == ("dang",)
    assert codes("đăng ký tạm trú")[0] == "1.004194"


def test_a_purpose_clause_is_why_not_what() -> None:
    assert codes("xin giấy xác nhận tình trạng hôn nhân để đăng ký kết hôn")[0] == "1.004873"


def test_synonyms_and_former_names_find_what_the_catalogue_calls_it() -> None:
    assert codes("sổ đỏ")[0] == "1.013978"  # the specific wording before a bare "giấy chứng nhận"
    assert codes("so hong")[0] == "1.013978"
    assert codes("cccd")[0] in ("1.014064", "1.014061")
    assert codes("mất căn cước làm lại thế nào")[0] == "1.014064"


def test_a_typing_mistake_is_read_as_the_known_word_one_edit_away() -> None:
    assert codes("dang ky khia sinh")[0] == "1.001193"
    assert codes("dang ky ket honn")[0] == "1.000894"
    assert codes("dangw kys ket hon")[0] == "1.000894"


def test_a_regional_spelling_of_the_last_word_is_understood() -> None:
    """"tạm chú" for "tạm trú": "chú" is a word of its own, so it is read both ways."""
    assert codes("đăng kí tạm chú")[0] == "1.004194"


def test_words_no_entry_holds_decide_nothing_unless_they_are_most_of_the_question() -> None:
    assert codes("đăng ký kết hôn xyzzy")[0] == "1.000894"
    assert codes("xyzzy qwerty kết") == []


def test_a_question_that_only_tells_a_life_event_gets_its_answers_first() -> None:
    results = INDEX.search("bố tôi vừa mất")
    assert results.events == ("death-in-the-family",)
    assert results.codes[:2] == ["1.000656", "1.003197"]  # the answer, then what else follows a death
    assert {hit.tier for hit in results.hits} == {MatchTier.EVENT}
    assert codes("con tôi mới sinh")[0] == "1.001193"
    assert codes("my father died", locale="en")[0] == "1.000656"


def test_a_life_event_with_a_request_is_searched_as_usual() -> None:
    """"bố tôi mất thẻ căn cước" is about the father's lost card, not his death."""
    results = INDEX.search("bố tôi mất thẻ căn cước")
    assert results.codes[0] == "1.014064"
    assert results.hits[0].tier != MatchTier.EVENT


def test_cues_compare_accents_when_typed_with_them() -> None:
    """"bộ" (ministry) is not "bố" (father), "mặt" is not "mất"."""
    assert INDEX.analyse("bộ mặt").events == ()
    assert INDEX.analyse("bo mat").events == ("death-in-the-family",)  # unaccented: could be either


def test_english_questions_find_english_names() -> None:
    assert INDEX.analyse("I lost my ID card", "en").language == "en"
    assert codes("I lost my ID card", locale="en")[0] == "1.014064"
    assert codes("lost passport", locale="en")[0] == "1.010386"


def test_english_small_words_are_not_indexed_against_vietnamese_questions() -> None:
    """English "the" is "thẻ" once folded: "thẻ" must not find every name with "the" in English."""
    assert "1.010386" not in codes("thẻ")  # "Report the loss of …" has no card


def test_citizen_procedures_first_and_curated_never_beats_a_better_match() -> None:
    organisation = curated(code="1.012753", name_vi="Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu "
                           "đối với tổ chức đang sử dụng đất", name_en="First land registration for an organisation",
                           field="civil-status", life_events=[])
    assert organisation.audience == "organisation"
    index = build(organisation, INDEX.catalog.get("1.013978"))  # type: ignore[union-attr, arg-type]
    question = "cấp giấy chứng nhận quyền sử dụng đất lần đầu"
    assert index.search(question).codes == ["1.013978", "1.012753"]
    assert index.search(question, audience="organisation").codes == ["1.012753", "1.013978"]


def test_audience_comes_from_codes_then_words_then_fields() -> None:
    rules = TAX.audience
    assert rules.audience_of("9.000001", "Cấp phép cho doanh nghiệp và cá nhân", "banking") == "both"
    assert rules.audience_of("9.000001", "Cấp phép cho doanh nghiệp", "civil-status") == "organisation"
    assert rules.audience_of("9.000001", "Đăng ký khai sinh", "civil-status") == "citizen"
    assert rules.audience_of("9.000001", "Thủ tục khác", "land") == "both"
    parsed, errors = parse_audience({"codes": {"1.000001": "organisation"}})
    assert errors == [] and parsed.audience_of("1.000001", "Đăng ký cho cá nhân", "x") == "organisation"


def test_bad_vocabulary_audience_and_cues_are_reported() -> None:
    _, errors = parse_vocabulary({"synonyms": [{"say": ["!!!"], "means": ["x"]}], "stop": []})
    assert {e.path for e in errors} == {"synonyms[0].say[0]", "stop"}
    _, errors = parse_audience({"codes": {"1.000001": "everyone"}})
    assert [e.path for e in errors] == ["codes.1.000001"]
    _, errors = parse_taxonomy(
        {"fields": {}, "life_events": {"x": {"name": {"vi": "a", "en": "b"}, "cues": ["bố + "], "answers": ["12"]}}}
    )
    assert {e.path for e in errors} == {"life_events.x.cues[0]", "life_events.x.answers[0]"}
    _, errors = parse_taxonomy({"fields": {}, "life_events": {"x": {"name": {"vi": "a", "en": "b"}, "cues": ["bố"]}}})
    assert [e.path for e in errors] == ["life_events.x.answers"]
    grouped, errors = parse_taxonomy(
        {"fields": {}, "life_events": {"x": {"name": {"vi": "a", "en": "b"}, "cues": ["bố"], "answers": ["group:death"]}}}
    )
    assert errors == [] and grouped.life_events["x"].answers == ("group:death",)


def test_the_analysis_is_shared_with_the_assistant() -> None:
    analysed = INDEX.analyse("con tôi mới sinh, làm giấy tờ gì")
    assert analysed.only_event and analysed.events == ("having-a-baby",) and analysed.language == "vi"
    analysed = INDEX.analyse("sổ đỏ bị mất")
    assert [c.typed for c in analysed.concepts] == [("so", "do"), ("bi", "mat")]
    assert analysed.concepts[0].alternatives[0] == ("giay", "chung", "nhan", "quyen", "su", "dung", "dat")


def test_filters_that_exclude_every_match_give_no_results_rather_than_guesses() -> None:
    """"khai sinh" exists, only not at province level: no typing-mistake reading of it either."""
    from citizen_app.core.search import SearchFilters

    assert INDEX.search("khai sinh", filters=SearchFilters(level="province")).total == 0
    assert codes("dang ky khia sinh", filters=SearchFilters(level="commune"))[0] == "1.001193"
