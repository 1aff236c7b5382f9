"""Languages: every message translated in both catalogues, negotiation, formatting, path switching."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from citizen_app.commands.i18n import missing_translations
from citizen_app.core.i18n import (
    NP_,
    Msg,
    get_translator,
    negotiate_locale,
    normalize_locale,
    normalize_money,
    switch_locale_in_path,
)


def test_every_message_in_the_code_is_translated_in_both_languages() -> None:
    problems = missing_translations()
    assert problems == {}, "\n".join(f"{locale}: {msgid!r}" for locale, ids in problems.items() for msgid in ids)


def test_vietnamese_and_english_catalogues_differ_where_they_should() -> None:
    assert get_translator("vi").gettext("Public services, online") == "Dịch vụ công trực tuyến"
    assert get_translator("en").gettext("Public services, online") == "Public services, online"


@pytest.mark.parametrize(
    ("saved", "header", "expected"),
    [
        (None, None, "vi"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "fr-FR,fr;q=0.9,en;q=0.8,vi;q=0.7", "en"),
        (None, "en;q=0.4,vi;q=0.8", "vi"),
        (None, "de-DE,fr", "vi"),
        ("vi", "en-US", "vi"),
        ("en", "vi-VN", "en"),
        ("xx", "en", "en"),
        (None, "garbage;;q=abc,,", "vi"),
    ],
)
def test_locale_negotiation_prefers_the_saved_choice_then_the_browser(
    saved: str | None, header: str | None, expected: str
) -> None:
    assert negotiate_locale(saved, header) == expected


def test_normalize_locale_defaults_to_vietnamese() -> None:
    assert normalize_locale("en_US") == "en"
    assert normalize_locale("EN") == "en"
    assert normalize_locale("") == "vi"
    assert normalize_locale("zh") == "vi"


@pytest.mark.parametrize(
    ("path", "target", "expected"),
    [
        ("/vi/services/1.001193", "en", "/en/services/1.001193"),
        ("/en/search?q=khai+sinh", "vi", "/vi/search?q=khai+sinh"),
        ("/vi/", "en", "/en/"),
        ("/vi", "en", "/en/"),
        ("/services/x", "en", "/en/services/x"),
    ],
)
def test_switching_language_keeps_the_page(path: str, target: str, expected: str) -> None:
    assert switch_locale_in_path(path, target) == expected


def test_money_dates_and_numbers_follow_the_locale() -> None:
    vi, en = get_translator("vi"), get_translator("en")
    assert vi.format_money(20_000) == "20.000\xa0đ"
    assert en.format_money(20_000) == "VND\xa020,000"
    assert vi.format_number(1234567.5) == "1.234.567,5"
    assert en.format_number(1234567.5) == "1,234,567.5"
    assert vi.format_date(date(2026, 2, 17)) == "17/02/2026"
    assert en.format_date(date(2026, 2, 17)) == "17 Feb 2026"
    # 23:30 UTC is already the next morning in Vietnam.
    assert vi.format_datetime(datetime(2026, 2, 16, 23, 30, tzinfo=UTC)) == "06:30 ngày 17/02/2026"


def test_messages_with_parameters_render_in_each_language() -> None:
    message = Msg("Page not found")
    assert get_translator("vi").render(message) == "Không tìm thấy trang"
    assert get_translator("en").render(message) == "Page not found"


def test_catalogue_data_picks_the_locale_with_vietnamese_fallback() -> None:
    assert get_translator("en").pick({"vi": "Khai sinh", "en": "Birth"}) == "Birth"
    assert get_translator("en").pick({"vi": "Khai sinh"}) == "Khai sinh"


# --- one money format per language (issue 16) -------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "vietnamese", "english"),
    [
        (160_000, "160.000\xa0đ", "VND\xa0160,000"),
        (7_000, "7.000\xa0đ", "VND\xa07,000"),
        (1_234_567, "1.234.567\xa0đ", "VND\xa01,234,567"),
        (500, "500\xa0đ", "VND\xa0500"),
    ],
)
def test_money_is_written_one_way_per_language(amount: int, vietnamese: str, english: str) -> None:
    assert get_translator("vi").format_money(amount) == vietnamese
    assert get_translator("en").format_money(amount) == english


@pytest.mark.parametrize(
    ("written", "vietnamese", "english"),
    [
        ("320.000đ/hộ chiếu", "320.000\xa0đ/hộ chiếu", "VND\xa0320,000/hộ chiếu"),
        ("7.000 đồng mỗi lần", "7.000\xa0đ mỗi lần", "VND\xa07,000 mỗi lần"),
        ("320,000 VND to replace it", "320.000\xa0đ to replace it", "VND\xa0320,000 to replace it"),
        ("₫160,000 online", "160.000\xa0đ online", "VND\xa0160,000 online"),
        ("160,000 Việt Nam Đồng", "160.000\xa0đ", "VND\xa0160,000"),
        ("2.000 đồng/trang; tối đa 200.000 đồng/bản", "2.000\xa0đ/trang; tối đa 200.000\xa0đ/bản",
         "VND\xa02,000/trang; tối đa VND\xa0200,000/bản"),
    ],
)
def test_amounts_in_catalogue_text_take_the_one_format(written: str, vietnamese: str, english: str) -> None:
    assert normalize_money(written, "vi") == vietnamese
    assert normalize_money(written, "en") == english


@pytest.mark.parametrize(
    "text",
    ["Thông tư 44/2023/TT-BTC ngày 29/6/2023", "10 USD/bản", "giảm 50% mức thu", "5 đơn", "1,5 triệu đồng"],
)
def test_text_without_an_amount_of_dong_is_left_alone(text: str) -> None:
    assert normalize_money(text, "vi") == text and normalize_money(text, "en") == text


def test_the_catalogue_shows_money_one_way_on_one_page() -> None:
    """Issue 16 saw "₫160,000" beside "320,000 VND" and "160.000 ₫" beside "320.000 đồng" on the passport page."""
    from citizen_app.core.catalog import load_catalog
    from citizen_app.settings import get_settings

    passport = next(p for p in load_catalog(get_settings().catalog_dir).procedures if p.code == "1.001456")
    for locale, other_ways in (("vi", ("₫", "đồng", "VND")), ("en", ("₫", "đồng", "đ"))):
        t = get_translator(locale)
        texts = [t.format_money(f.amount_vnd) for f in passport.fees] + [t.pick(f.note) for f in passport.fees if f.note]
        page = " ".join(texts)
        assert not any(way in page for way in other_ways), (locale, page)
    assert "320.000\xa0đ" in passport.fees[0].note.vi and "VND\xa0320,000" in passport.fees[0].note.en


# --- plurals through ngettext ----------------------------------------------------------------------------


ANSWERS_CHANGED = NP_("{count} answer changed", "{count} answers changed")


def test_plurals_take_their_form_from_the_count() -> None:
    en, vi = get_translator("en"), get_translator("vi")
    assert en.plural(ANSWERS_CHANGED, 1) == "1 answer changed"
    assert en.plural(ANSWERS_CHANGED, 2) == "2 answers changed"
    assert en.plural(ANSWERS_CHANGED, 0) == "0 answers changed"
    assert vi.plural(ANSWERS_CHANGED, 1) == "1 câu trả lời đã được sửa"
    assert vi.plural(ANSWERS_CHANGED, 5) == "5 câu trả lời đã được sửa"
    # Counts are numbers of the language: thousands separated its way.
    assert en.plural(NP_("{count} service found", "{count} services found"), 2642) == "2,642 services found"
    assert vi.plural(NP_("{count} service found", "{count} services found"), 2642) == "Tìm thấy 2.642 thủ tục"


def test_plural_messages_made_by_the_core_render_later() -> None:
    from citizen_app.core.forms.migration import MSG_NOW_REQUIRED

    one, three = Msg.counted(MSG_NOW_REQUIRED, 1), Msg.counted(MSG_NOW_REQUIRED, 3)
    en = get_translator("en")
    assert en.render(one).endswith("1 question still needs an answer.")
    assert en.render(three).endswith("3 questions still need an answer.")
    assert get_translator("vi").render(one).endswith("Còn 1 câu hỏi cần trả lời.")


def test_both_catalogues_hold_every_plural_with_its_forms() -> None:
    """English has two forms and Vietnamese one (nplurals=1); none is left empty."""
    from babel.messages.pofile import read_po

    from citizen_app.core.i18n import LOCALES_DIR

    forms = {"vi": 1, "en": 2}
    for locale, count in forms.items():
        with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalog = read_po(source, locale=locale)
        plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
        assert len(plurals) >= 18, locale
        for message in plurals:
            assert len(message.string) == count and all(message.string), (locale, message.id)


@pytest.mark.parametrize(
    "msgid",
    [
        "1 answers changed", "{count} answers changed", "1 questions still need an answer",
        "{count} questions still need an answer", "{count} files", "{count} working days",
    ],
)
def test_no_plural_is_a_plain_message_any_more(msgid: str) -> None:
    """A count glued into a plain message gives "1 answers changed": those ids are gone."""
    from babel.messages.pofile import read_po

    from citizen_app.core.i18n import LOCALES_DIR

    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="en")
    plain = {m.id for m in catalog if isinstance(m.id, str)}
    assert msgid not in plain


# Counted messages of the staff desk and the profile, whose files other branches are changing now:
# they become NP_ plurals when those branches merge (issue 16, item 6).
COUNTED_ELSEWHERE = {
    "{count} ratings, mean {mean}",
    "of {count} resolved",
    "{count} applications",
    "{count} entries",
    "The street address is too long (at most {count} characters).",
}


def test_every_counted_message_is_a_plural() -> None:
    from babel.messages.pofile import read_po

    from citizen_app.core.i18n import LOCALES_DIR

    with (LOCALES_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="en")
    plain_counts = {m.id for m in catalog if isinstance(m.id, str) and "{count}" in m.id}
    assert plain_counts - COUNTED_ELSEWHERE == set()
