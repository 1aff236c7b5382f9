"""Operators' and supervisors' pages in a real browser: the background jobs page and the sandbox SMS gateway."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in


def test_a_supervisor_sees_the_background_jobs(desktop: AppPage) -> None:
    sign_in(desktop, "tung.phan", next_path="/vi/staff")
    desktop.page.goto(desktop.base_url + "/vi/staff/jobs")
    expect(desktop.get("staff-jobs")).to_be_visible()
    for status in ("queued", "running", "done", "failed"):
        expect(desktop.get(f"staff-jobs-depth-{status}")).to_be_visible()
    # The app has been running its periodic jobs (draft purge, roll-ups) since it started.
    expect(desktop.get("staff-jobs-none").or_(desktop.get("staff-jobs-failed"))).to_be_visible()
    desktop.assert_accessible()
    desktop.click("staff-jobs-language")
    expect(desktop.page.locator("h1")).to_have_text("Background jobs")
    desktop.assert_accessible()


def test_a_counter_officer_cannot_open_the_jobs_page(tablet: AppPage) -> None:
    sign_in(tablet, "mai.ngo", next_path="/vi/staff")
    response = tablet.page.goto(tablet.base_url + "/vi/staff/jobs")
    assert response is not None and response.status == 403
    expect(tablet.get("staff-forbidden")).to_be_visible()


def test_the_sandbox_sms_gateway_shows_what_was_sent(phone: AppPage) -> None:
    sent = httpx.post(
        phone.base_url + "/sandbox/sms/api/messages",
        json={"from": "DICHVUCONG", "to": "0912345678", "text": "Ho so 000.00.08.H26-250701-0001: Can bo sung"},
        headers={"Authorization": "Bearer sandbox-sms-key"},
    )
    assert sent.status_code == 201 and sent.json()["id"]
    phone.page.goto(phone.base_url + "/sandbox/sms/")
    expect(phone.get("sms-sandbox-banner")).to_contain_text("THỬ NGHIỆM")
    expect(phone.get("sms-sandbox-message-0")).to_contain_text("Can bo sung")
    expect(phone.get("sms-sandbox-message-0").get_by_test_id("sms-sandbox-message-to")).to_contain_text("0912345678")
    phone.assert_accessible()
    phone.click("sms-sandbox-language")
    expect(phone.get("sms-sandbox-banner")).to_contain_text("SANDBOX")
    phone.assert_accessible()
