"""Feedback and petitions on a phone: a citizen sends feedback with a photo, an officer of the competent
unit answers, the province's supervisor publishes it, and the public list shows it without personal data.
A script typed into the feedback stays text for the officer and on the public list."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in

SCRIPT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
NAME = "Nguyễn Thị Hoa"
PHONE = "0912345678"


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "JPEG", quality=85)
    return out.getvalue()


def next_page(app: AppPage, step: str) -> None:
    app.click("continue")
    app.page.wait_for_url(re.compile(rf"/feedback/new/{step}$"))
    app.settle()


def send_feedback(citizen: AppPage, title: str) -> str:
    citizen.goto("/vi/feedback")
    citizen.click("feedback-start")
    citizen.page.wait_for_url(re.compile(r"/feedback/new/about$"))
    citizen.settle()
    citizen.get("feedback-subject_type-agency").check()
    next_page(citizen, "subject")
    citizen.get("feedback-province_code").select_option("01")
    commune = citizen.get("feedback-commune_code")
    expect(commune.locator('option[value="00004"]')).to_have_count(1)
    commune.select_option("00004")
    next_page(citizen, "details")
    citizen.get("feedback-topic-conduct").check()
    citizen.fill("feedback-title", title)
    citizen.fill("feedback-content", f"Tôi chờ hơn hai giờ mà không ai hướng dẫn. {SCRIPT} Tôi là {NAME}, gọi {PHONE}.")
    citizen.fill("feedback-place", "Bộ phận một cửa, tầng 1")
    next_page(citizen, "photo")
    citizen.get("feedback-photo-input").set_input_files(
        files=[{"name": "hang-cho.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    expect(citizen.get("feedback-photo-name")).to_have_text("hang-cho.jpg")
    next_page(citizen, "contact")
    citizen.fill("feedback-sender_name", NAME)
    citizen.fill("feedback-sender_phone", PHONE)
    citizen.get("feedback-may_publish-yes").check()
    next_page(citizen, "check")
    expect(citizen.get("answer-commune_code")).to_have_text("Phường Ba Đình")
    expect(citizen.get("answer-photo")).to_have_text("hang-cho.jpg")
    citizen.click("feedback-send")
    citizen.page.wait_for_url(re.compile(r"/feedback/sent$"))
    citizen.settle()
    code = citizen.get("feedback-code").inner_text().strip()
    assert re.fullmatch(r"PA-[0-9A-Z]{4}-[0-9A-Z]{4}", code), code
    expect(citizen.get("feedback-unit")).to_contain_text("Phường Ba Đình")
    return code


def test_feedback_is_sent_answered_and_published_without_personal_data(open_app) -> None:
    citizen = open_app("Pixel 7")
    title = "Chờ quá lâu ở bộ phận một cửa phường"
    code = send_feedback(citizen, title)

    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/feedback")
    expect(officer.get(f"feedback-row-{code}")).to_be_visible()
    officer.click(f"feedback-open-{code}")
    officer.page.wait_for_url(re.compile(rf"/staff/feedback/{code}$"))
    officer.settle()
    expect(officer.get("feedback-message-content")).to_contain_text(SCRIPT)
    expect(officer.get("feedback-sender-name")).to_have_text(NAME)
    assert officer.page.evaluate("() => window.__pwned") is None
    expect(officer.get("feedback-photo-link")).to_have_attribute("href", f"/files/feedback/{code}")
    officer.fill("feedback-answer-text", "Phường đã bố trí thêm một cán bộ hướng dẫn tại bộ phận một cửa.")
    officer.click("feedback-answer-send")
    expect(officer.get("feedback-answer-sent")).to_contain_text("bố trí thêm một cán bộ")
    expect(officer.get("feedback-publish-form")).to_have_count(0)  # a counter officer does not publish

    supervisor = open_app("desktop")
    sign_in(supervisor, "tung.phan", next_path=f"/vi/staff/feedback/{code}")
    expect(supervisor.get("feedback-publish-form")).to_be_visible()
    question = supervisor.get("feedback-public-question").input_value()
    assert NAME not in question and PHONE not in question and SCRIPT in question
    supervisor.click("feedback-publish")
    expect(supervisor.get("feedback-public-question-shown")).to_contain_text("không ai hướng dẫn")

    citizen.goto("/vi/feedback/answers")
    listed = citizen.page.locator("article.public-answer").filter(has_text=title)
    expect(listed).to_have_count(1)
    text = listed.inner_text()
    assert NAME not in text and PHONE not in text
    assert SCRIPT in text  # shown as typed, as text
    assert citizen.page.evaluate("() => window.__pwned") is None
    citizen.get("answers-topic").select_option("conduct")
    citizen.fill("answers-query", "cho qua lau")  # no accents
    citizen.click("answers-submit")
    expect(citizen.page.locator("article.public-answer").filter(has_text=title)).to_have_count(1)

    citizen.goto(f"/vi/feedback/track?code={code}")
    citizen.click("feedback-track-submit")
    expect(citizen.get("feedback-track-status")).to_have_text("Đã trả lời")
    expect(citizen.get("feedback-track-answer")).to_contain_text("bố trí thêm một cán bộ")


def test_an_officer_of_another_unit_cannot_open_it_and_a_wrong_code_finds_nothing(open_app) -> None:
    citizen = open_app("Pixel 7")
    code = send_feedback(citizen, "Phản ánh chỉ đơn vị có thẩm quyền được xem")
    elsewhere = open_app("Galaxy Tab S4")
    sign_in(elsewhere, "hai.trinh", next_path=f"/vi/staff/feedback/{code}")
    expect(elsewhere.get("feedback-notice")).to_be_visible()
    expect(elsewhere.get("feedback-message-title")).to_have_count(0)
    citizen.goto("/vi/feedback/track")
    citizen.fill("feedback-track-code", "PA-0000-0000")
    citizen.click("feedback-track-submit")
    expect(citizen.get("feedback-track-message")).to_be_visible()


def test_the_steps_say_what_is_missing(phone: AppPage) -> None:
    phone.goto("/en/feedback/new/about")
    phone.click("continue")
    expect(phone.get("error-summary")).to_contain_text("Choose what your feedback is about")
    phone.get("feedback-subject_type-procedure").check()
    next_page(phone, "subject")
    phone.click("continue")
    expect(phone.get("feedback-procedure_code-error")).to_contain_text("Choose the procedure")
