"""Searching as citizens write, and the catalogue in English, on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import AppPage

DEATH = "1.000656"
ID_CARD_REISSUE = "1.014064"
LAND_HOUSEHOLDS = "1.013978"
INFORMATION_ONLY = "1.000294"  # "Bãi bỏ đường ngang": an English name from the glossary, not reviewed


def codes(app: AppPage) -> list[str]:
    return app.page.eval_on_selector_all(
        '[data-testid="search-results"] [data-code]', "els => els.map(el => el.dataset.code)"
    )


def search(app: AppPage, locale: str, words: str) -> None:
    app.goto(f"/{locale}/search")
    app.get("search-input").press_sequentially(words, delay=20)
    app.page.wait_for_url(re.compile(r"\?q="))
    expect(app.get("search-count")).not_to_be_empty()


def test_a_citizen_searches_in_her_own_words(phone: AppPage) -> None:
    search(phone, "vi", "mat can cuoc lam lai the nao")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", ID_CARD_REISSUE)

    search(phone, "vi", "bố tôi vừa mất")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", DEATH)

    # A former name, and the households' land procedure before the organisations' one.
    search(phone, "vi", "làm sổ đỏ")
    expect(phone.get("search-result-0")).to_have_attribute("data-code", LAND_HOUSEHOLDS)


def test_english_search_lists_english_names(phone: AppPage) -> None:
    phone.goto("/en/search?q=passport")
    expect(phone.get("search-result-0")).to_be_visible()
    titles = phone.page.locator('[data-testid="search-results"] .card-title').all_inner_texts()
    assert len(titles) >= 10
    assert all("hộ chiếu" not in title.lower() for title in titles), titles
    assert sum("passport" in title.lower() for title in titles) >= 8, titles

    search(phone, "en", "health insurance card")
    expect(phone.get("search-result-0")).to_contain_text("health insurance card")


def test_an_automatic_english_name_says_so_and_shows_the_official_one(phone: AppPage) -> None:
    phone.goto(f"/en/services/{INFORMATION_ONLY}")
    expect(phone.get("service-name")).not_to_have_text("Bãi bỏ đường ngang")
    expect(phone.get("service-official-name")).to_have_text("Official name (Vietnamese): Bãi bỏ đường ngang")
    expect(phone.get("service-name-note")).to_contain_text("translated automatically")

    phone.switch_language()
    expect(phone.get("service-name")).to_have_text("Bãi bỏ đường ngang")
    expect(phone.get("service-official-name")).to_have_count(0)
    expect(phone.get("service-name-note")).to_have_count(0)
