"""Search: accent-insensitive matching, ranking tiers, filters, sorting and hostile input.

How citizens write (synonyms, stop words, typing mistakes, life events, audience, English) is
pinned in tests/unit/search.
"""

from __future__ import annotations

import dataclasses

import pytest

from citizen_app.core.catalog import Catalog, Procedure
from citizen_app.core.catalog.index_import import IndexRow, procedures_from_rows
from citizen_app.core.catalog.loader import parse_procedure
from citizen_app.core.catalog.taxonomy import parse_taxonomy
from citizen_app.core.catalog.vocabulary import parse_vocabulary
from citizen_app.core.search import MAX_QUERY_LENGTH, MatchTier, SearchFilters, SearchIndex
from tests.unit.catalog.helpers import TAXONOMY, procedure

VOCABULARY, _ = parse_vocabulary(
    {
        "stop_words": {
            "vi": ["làm", "xin", "như thế nào", "thế nào"],
            "en": ["how to", "get", "a", "the", "of"],
        },
        "synonyms": [{"say": ["cccd", "cmnd"], "means": ["căn cước"]}],
    }
)
TAX = dataclasses.replace(parse_taxonomy(TAXONOMY)[0], vocabulary=VOCABULARY)


def curated(**kwargs) -> Procedure:
    parsed, errors = parse_procedure(procedure(**kwargs), TAX)
    assert errors == []
    return parsed


def index_entry(code: str, name: str, level: str = "commune", field: str = "Hộ tịch") -> Procedure:
    (entry,) = procedures_from_rows([IndexRow(code, name, level, "Cấp xã", field, "bo-tu-phap")], TAX)
    return entry


def build() -> SearchIndex:
    entries = [
        curated(popular=1),
        curated(code="1.000689", name_vi="Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
                name_en="Birth registration together with recognition of parents", popular=4),
        curated(code="1.000656", name_vi="Thủ tục đăng ký khai tử", name_en="Death registration",
                summary={"vi": "Khai tử cho người đã mất.", "en": "Register a death."}, popular=3,
                fees=[{"channel": "counter", "amount_vnd": 0}], life_events=[],
                results=[{"vi": "Trích lục khai tử", "en": "Death certificate"}]),
        curated(code="1.004222", name_vi="Đăng ký thường trú", name_en="Permanent residence registration",
                field="residence", life_events=["moving-house"], level="commune", online_level="partial",
                summary={"vi": "Đăng ký nơi ở lâu dài.", "en": "Register where you live."}, popular=2,
                processing_time=[{"channel": "counter", "working_days": 7}],
                fees=[{"channel": "counter", "amount_vnd": 20000}],
                results=[{"vi": "Thông báo", "en": "Notice"}]),
        curated(code="2.000635", name_vi="Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh",
                name_en="Copies of civil-status extracts and birth certificates",
                processing_time=[{"channel": "counter", "working_days": 3}]),
        index_entry("1.004884", "Thủ tục đăng ký lại khai sinh"),
        index_entry("1.003583", "Thủ tục đăng ký khai sinh lưu động"),
        index_entry("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài"),
        index_entry("1.000110", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài tại khu vực biên giới"),
        index_entry("1.001456", "Cấp hộ chiếu phổ thông ở trong nước", level="province",
                    field="Quản lý xuất nhập cảnh"),
        index_entry("1.000005", "Thủ tục hải quan đối với khí nhập khẩu", level="ministry", field="Hải quan"),
    ]
    index_entries = [p for p in entries if p.information_only]
    catalog = Catalog(TAX, [p for p in entries if not p.information_only], index_entries)
    return SearchIndex(catalog.all(), catalog)


INDEX = build()


def codes(query: str, **kwargs) -> list[str]:
    return INDEX.search(query, limit=50, **kwargs).codes


@pytest.mark.parametrize("query", ["dang ky khai sinh", "Đăng ký khai sinh", "khai sinh", "ĐĂNG KÝ KHAI SINH",
                                   "Thủ tục đăng ký khai sinh", "  đăng   ký, khai sinh! "])
def test_birth_registration_ranks_first(query: str) -> None:
    results = INDEX.search(query)
    assert results.codes[0] == "1.001193"
    assert "1.000689" in results.codes  # the combined procedure also matches, below


def test_exact_name_is_exact_tier_with_or_without_thu_tuc() -> None:
    for query in ("dang ky khai sinh", "thu tuc dang ky khai sinh", "birth registration", "1.001193"):
        first = INDEX.search(query).hits[0]
        assert (first.code, first.tier) == ("1.001193", MatchTier.EXACT), query


def test_tiers_order_exact_then_prefix_then_all_words_then_other_text() -> None:
    hits = INDEX.search("dang ky khai sinh", limit=50).hits
    tiers = [hit.tier for hit in hits]
    assert tiers == sorted(tiers)
    by_code = {hit.code: hit.tier for hit in hits}
    assert by_code["1.001193"] == MatchTier.EXACT
    assert by_code["1.000689"] == MatchTier.NAME_PREFIX  # "đăng ký khai sinh kết hợp…"
    assert by_code["1.003583"] == MatchTier.NAME_PREFIX
    assert by_code["1.004884"] == MatchTier.NAME_ALL_WORDS  # "đăng ký lại khai sinh"
    # Within the prefix tier curated entries come before information-only ones.
    assert codes("dang ky khai sinh").index("1.000689") < codes("dang ky khai sinh").index("1.003583")
    summary_only = INDEX.search("nguoi da mat")  # only in 1.000656's summary ("người đã mất")
    assert [(h.code, h.tier) for h in summary_only.hits] == [("1.000656", MatchTier.OTHER_TEXT)]


def test_shorter_name_wins_within_a_tier() -> None:
    ranked = codes("khai sinh")
    assert ranked[0] == "1.001193"
    assert ranked.index("1.000689") < ranked.index("1.004884")  # curated first, then shorter names
    assert ranked.index("2.000528") < ranked.index("1.000110")


def test_partial_words_and_any_word_order() -> None:
    assert codes("dang ky kh")[0] == "1.001193"
    assert "1.001193" in codes("khai sinh dang ky")
    assert codes("khai sinh dang ky")[0] == "1.001193"
    assert codes("thuong tr") == ["1.004222"]
    assert "1.001456" in codes("ho chie")


def test_english_and_codes() -> None:
    assert codes("birth registration")[0] == "1.001193"
    assert codes("Permanent residence")[0] == "1.004222"
    assert codes("1.001193") == ["1.001193"]
    assert codes("001193") == ["1.001193"]
    partial = INDEX.search("1.0011")
    assert partial.codes == ["1.001193"] and partial.hits[0].tier == MatchTier.NAME_PREFIX
    assert set(codes("1.000")) == {"1.000689", "1.000656", "1.000110", "1.000005"}


def test_some_words_only_when_nothing_matches_every_word() -> None:
    results = INDEX.search("đăng ký khai sinh hải quan")  # "hải quan" is known, not with "khai sinh"
    assert results.codes[0] == "1.001193"
    assert {hit.tier for hit in results.hits} == {MatchTier.SOME_WORDS}
    assert INDEX.search("xyzzy qwerty khai").total == 0  # fewer than half the words are known


def test_a_word_no_entry_holds_is_left_out_while_the_others_decide() -> None:
    results = INDEX.search("khai sinh xyzzy")
    assert results.codes[0] == "1.001193"
    assert results.hits[0].tier == MatchTier.NAME_ALL_WORDS


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\t\n", "😀", "🚗🚗", "' OR 1=1; --", "'; DROP TABLE procedures; --", ".*", "(((", "[a-z]+$",
     "\\d{3}", "%_%", "a" * 1000, "khai sinh " * 100, "Рождение", "出生登记", "<script>alert(1)</script>",
     "\x00\x01", "a b c d e f g h i j k l m n o p q r s t", None],
)
def test_bad_input_never_raises(query: str | None) -> None:
    results = INDEX.search(query)
    assert results.total >= 0 and len(results.hits) <= results.limit
    assert len(results.query) <= MAX_QUERY_LENGTH


def test_blank_query_is_the_browse_list_and_junk_finds_nothing() -> None:
    browse = INDEX.search("   ")
    assert browse.total == len(INDEX)
    assert browse.codes[:4] == ["1.001193", "1.004222", "1.000656", "1.000689"]  # popular order
    assert {hit.tier for hit in browse.hits} == {MatchTier.BROWSE}
    assert INDEX.search("😀").total == 0
    assert INDEX.search("'; DROP TABLE procedures; --").total == 0
    assert INDEX.search("出生登记").total == 0


def test_long_queries_are_cut_and_still_match() -> None:
    results = INDEX.search("khai sinh " * 100)
    assert len(results.query) == MAX_QUERY_LENGTH
    assert results.codes[0] == "1.001193"


def test_mixed_scripts_and_emoji_around_words() -> None:
    assert codes("🚗 đăng ký khai sinh 🚗")[0] == "1.001193"
    assert codes("đăng ký 出生 khai sinh")[0] == "1.001193"  # the foreign word alone does not match


def test_filters() -> None:
    assert codes("dang ky", filters=SearchFilters(field="residence")) == ["1.004222"]
    assert codes("", filters=SearchFilters(level="province")) == ["1.001456"]
    assert codes("", filters=SearchFilters(level="ministry")) == ["1.000005"]
    # No entry here has a form of its own: every commune- and province-level one is partial online.
    assert codes("khai sinh", filters=SearchFilters(online_level="partial")) == codes("khai sinh")
    assert codes("dang ky", filters=SearchFilters(online_level="partial")) == codes("dang ky")
    curated_only = codes("khai sinh", filters=SearchFilters(include_information_only=False))
    assert set(curated_only) == {"1.001193", "1.000689", "2.000635"}
    assert codes("", filters=SearchFilters(life_event="moving-house")) == ["1.004222"]
    assert "1.000005" not in codes("", filters=SearchFilters(apply_online_only=True))  # a ministry's
    assert codes("", filters=SearchFilters(field="no-such-field")) == []


def test_sorting() -> None:
    by_time = codes("", filters=SearchFilters(include_information_only=False), sort="processing_time")
    assert by_time[-1] == "1.004222"  # 7 days
    by_fee = codes("", filters=SearchFilters(include_information_only=False), sort="fee")
    assert by_fee[-1] == "1.004222"  # 20,000 ₫
    everything_by_fee = codes("", sort="fee")
    assert all(code in everything_by_fee[-6:] for code in ("1.004884", "1.001456"))  # unknown fee last
    by_name = codes("khai sinh", sort="name")
    assert by_name[0] == "2.000635"  # "Cấp bản sao…" sorts before "Thủ tục…"
    by_english_name = codes("registration", sort="name", locale="en")
    assert by_english_name[:3] == ["1.001193", "1.000689", "1.000656"]  # Birth…, Birth … together, Death…
    assert codes("khai sinh", sort="bogus")[0] == "1.001193"  # unknown sort: relevance


def test_limit_and_offset() -> None:
    everything = INDEX.search("khai sinh", limit=100)
    page_one = INDEX.search("khai sinh", limit=3)
    page_two = INDEX.search("khai sinh", limit=3, offset=3)
    assert page_one.total == page_two.total == everything.total
    assert page_one.codes + page_two.codes == everything.codes[:6]
    assert page_one.has_more
    assert INDEX.search("khai sinh", offset=1000).hits == ()
    assert len(INDEX.search("", limit=10_000).hits) <= 100  # capped
    assert INDEX.search("khai sinh", limit=-5).hits == ()


def test_stop_words_of_the_vocabulary_are_dropped() -> None:
    assert codes("how to get a birth registration")[0] == "1.001193"
    assert codes("làm đăng ký khai sinh như thế nào")[0] == "1.001193"
    assert codes("xin cấp hộ chiếu") == ["1.001456"]


def test_everyday_abbreviations() -> None:
    extra = curated(code="1.014064", name_vi="Cấp lại thẻ căn cước", name_en="Reissue of an identity card",
                    field="residence", life_events=[])
    catalog = Catalog(TAX, [extra], [])
    index = SearchIndex(catalog.all(), catalog)
    assert index.search("cấp lại cccd").codes == ["1.014064"]
    assert index.search("CMND").codes == ["1.014064"]


def test_whole_words_before_prefixes_and_phrases_first() -> None:
    entries = [
        index_entry("1.000001", "Tạm ngừng kinh doanh trước thời hạn"),  # tạm … trước: "tru" is only a prefix
        index_entry("1.000002", "Đăng ký tạm trú"),
        index_entry("1.000003", "Khấu trừ bồi thường"),  # both words whole, not as a phrase
        index_entry("1.000004", "Xóa đăng ký thường trú cho người nước ngoài"),
    ]
    catalog = Catalog(TAX, [], entries)
    index = SearchIndex(catalog.all(), catalog)
    assert index.search("tam tru").codes == ["1.000002", "1.000001"]
    assert index.search("thuong tru").codes == ["1.000004", "1.000003"]


def test_finished_words_match_whole_unless_nothing_else_matches() -> None:
    # "dang ky kh": only the last word may be unfinished, so "khai" and "khai tử" both qualify …
    assert set(codes("dang ky kh")) >= {"1.001193", "1.000656"}
    # … but an unfinished word in the middle is still found when nothing matches otherwise.
    assert codes("dang ky kha sinh")[0] == "1.001193"
    assert codes("đăng k khai sinh")[0] == "1.001193"  # one-letter middle word: best effort
