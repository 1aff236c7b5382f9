"""Languages: every message translated in both catalogues, negotiation, formatting, path switching."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from citizen_app.commands.i18n import missing_translations
from citizen_app.core.i18n import (
    Msg,
    get_translator,
    negotiate_locale,
    normalize_locale,
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
