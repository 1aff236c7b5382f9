"""The apply start page and a life event's page build their start box and summary from one place."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import get_translator
from citizen_app.pages.apply import start as apply_start
from citizen_app.pages.life_events import group as life_event
from citizen_app.ui.start_components import nothing_to_start, start_box, summary_row
from tests.unit.ui.test_prerendered_service import literal_texts


def rendered(component: rx.Component) -> str:
    return str(component.render())


def test_both_start_pages_offer_start_now_to_the_signed_in_and_sign_in_to_visitors() -> None:
    for locale, start_now, sign_in in (("vi", "Bắt đầu", "Đăng nhập để nộp hồ sơ"), ("en", "Start now", "Sign in to apply")):
        t = get_translator(locale)
        for page in (apply_start, life_event):
            tree = page.build(t)
            code = rendered(tree)
            assert "start-now" in code and "start-sign-in" in code and "start-box" in code
            assert {start_now, sign_in} <= set(literal_texts(tree))


def test_a_summary_row_marks_its_value_only_when_asked() -> None:
    marked = rendered(summary_row("Fee", "50 000", testid="start-fee"))
    plain = rendered(summary_row("Fee", "No fee"))
    assert "summary-row" in marked and '"data-testid":"start-fee"' in marked and '"50 000"' in marked
    assert "summary-row" in plain and "data-testid" not in plain and '"No fee"' in plain


def test_the_start_box_shows_one_branch_by_sign_in() -> None:
    code = rendered(start_box(rx.el.span("in"), rx.el.span("out")))
    assert '"in"' in code and '"out"' in code and "signed_in" in code


def test_nothing_to_start_leads_to_the_search_with_prefixed_testids() -> None:
    code = rendered(nothing_to_start(get_translator("en"), "Life events", "There is no such life event.",
                                     find_href="/en/search", testid_prefix="life-event"))
    assert "life-event-problem" in code and "life-event-find" in code and "Find a service" in code
