"""The procedure assistant on a phone (issue 15, item 1)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import AppPage


def ask(app: AppPage, words: str) -> None:
    app.fill("assistant-input", words)
    app.click("assistant-submit")


def test_a_citizen_asks_about_a_newborn_and_lands_on_the_birth_group(phone: AppPage) -> None:
    phone.goto("/vi")
    phone.click("home-assistant")
    phone.page.wait_for_url(re.compile(r"/vi/assistant$"))
    phone.settle()

    ask(phone, "con toi moi sinh, gio lam giay to gi")
    expect(phone.get("assistant-line-0")).to_have_text("con toi moi sinh, gio lam giay to gi")
    expect(phone.get("assistant-line-1")).to_have_attribute("data-speaker", "assistant")
    expect(phone.get("assistant-line-1")).to_have_text("Bố mẹ của bé đã đăng ký kết hôn chưa?")
    phone.assert_accessible()

    phone.click("assistant-option-married")
    expect(phone.get("assistant-answer")).to_be_visible()
    expect(phone.get("assistant-answer-name")).to_have_text("Khai sinh cho trẻ mới sinh")
    expect(phone.get("assistant-members")).to_contain_text("Thủ tục đăng ký khai sinh")
    phone.assert_accessible()

    start = phone.get("assistant-start")
    expect(start).to_have_attribute("href", "/vi/life-events/birth")
    start.click()
    # The birth group's start page (another branch builds it): the address is the target.
    phone.page.wait_for_url(re.compile(r"/vi/life-events/birth$"))


def test_an_english_question_gets_a_grounded_answer_and_bad_input_a_clear_error(phone: AppPage) -> None:
    phone.goto("/en/assistant")
    phone.click("assistant-submit")
    expect(phone.get("assistant-error")).to_have_text("Tell me in a few words what happened or what you need.")

    ask(phone, "I rent a flat, register temporary residence")
    expect(phone.get("assistant-answer-name")).to_have_text("Temporary residence registration")
    expect(phone.get("assistant-fact-fee")).not_to_be_empty()
    expect(phone.get("assistant-start")).to_have_attribute("href", re.compile(r"^/en/services/1\.004194"))
    phone.assert_accessible()

    phone.click("assistant-restart")
    expect(phone.get("assistant-input")).to_be_visible()


def test_empty_search_results_lead_to_the_assistant_with_the_words(phone: AppPage) -> None:
    phone.goto("/vi/search?q=qwzx%20vbnm%20kjhg")
    link = phone.get("search-empty-assistant")
    expect(link).to_be_visible()
    link.click()
    phone.page.wait_for_url(re.compile(r"/vi/assistant\?q="))
    phone.settle()
    expect(phone.get("assistant-line-0")).to_have_text("qwzx vbnm kjhg")
