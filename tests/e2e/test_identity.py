"""Signing in with the VNeID-style sandbox, the account page, and the staff guard, as people use them.

Each test signs in a different demo account where it changes data, so the tests do not
depend on one another's order (they share one server and database).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in, sign_out


def assert_at(app: AppPage, path: str) -> None:
    """The static server may add the trailing slash of a page's folder."""
    assert re.fullmatch(re.escape(path.rstrip("/")) + r"/?", app.path), app.path


def test_citizen_signs_in_edits_the_phone_signs_out_and_the_phone_stays(phone: AppPage) -> None:
    phone.goto("/vi/")
    sign_in(phone, "an.nguyen")  # from the header's sign-in link
    assert_at(phone, "/vi/")
    expect(phone.get("header-account")).to_contain_text("Nguyễn Văn An")

    phone.click("header-account")
    phone.page.wait_for_url(re.compile(r"/vi/account/?$"))
    expect(phone.get("account-full-name")).to_have_text("Nguyễn Văn An")
    phone.settle()
    expect(phone.get("account-personal-id")).to_have_text("001085004217")
    expect(phone.get("account-date-of-birth")).to_have_text("14/03/1985")
    expect(phone.get("account-verified-badge")).to_have_text("Đã xác thực bởi VNeID")
    expect(phone.get("account-refreshed")).to_contain_text("Cập nhật từ VNeID khi bạn đăng nhập lúc")
    expect(phone.get("account-level")).to_contain_text("Mức 2")
    expect(phone.get("account-level-upgrade")).to_have_count(0)
    expect(phone.get("account-phone")).to_have_value("0912345678")
    expect(phone.get("account-staff-link")).to_have_count(0)

    phone.fill("account-phone", "0987 654 321")
    phone.click("account-save")
    expect(phone.get("account-saved")).to_have_text("Đã lưu thông tin của bạn.")
    expect(phone.get("account-phone")).to_have_value("0987654321")
    expect(phone.get("account-change").first).to_contain_text("Số điện thoại di động: 091*****78 → 098*****21")
    expect(phone.get("account-change").first).to_contain_text("Bạn")
    phone.assert_accessible()

    sign_out(phone)
    assert_at(phone, "/vi/")
    expect(phone.get("header-sign-in")).to_be_visible()

    sign_in(phone, "an.nguyen", next_path="/vi/account")
    assert_at(phone, "/vi/account")
    expect(phone.get("account-phone")).to_have_value("0987654321")


def test_invalid_phone_and_email_are_explained_in_vietnamese_and_nothing_is_saved(phone: AppPage) -> None:
    sign_in(phone, "binh.tran", next_path="/vi/account")
    expect(phone.get("account-phone")).to_have_value("0903123456")
    # Other tests on the shared server may have changed her address already: count, don't assume none.
    changes_before = phone.get("account-change").count()

    phone.fill("account-phone", "12345")
    phone.fill("account-email", "khong-phai-email")
    phone.click("account-save")

    summary = phone.get("account-error-summary")
    expect(summary).to_contain_text("Có lỗi cần sửa")
    expect(summary).to_be_focused()
    expect(phone.get("account-error-link-phone")).to_contain_text("Nhập số điện thoại di động Việt Nam")
    expect(phone.get("account-error-link-email")).to_contain_text("Nhập địa chỉ thư điện tử hợp lệ")
    expect(phone.get("account-phone-error")).to_contain_text("10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09")
    expect(phone.get("account-phone")).to_have_attribute("aria-invalid", "true")
    expect(phone.get("account-phone")).to_have_value("12345")  # what was typed stays to be corrected
    expect(phone.get("account-saved")).to_have_count(0)
    phone.assert_accessible()
    phone.click("account-error-link-email")
    assert phone.page.url.endswith("#email")

    phone.goto("/vi/account")
    expect(phone.get("account-phone")).to_have_value("0903123456")
    expect(phone.get("account-email")).to_have_value("binh.tran@example.vn")
    expect(phone.get("account-change")).to_have_count(changes_before)


def test_counter_officer_reaches_the_staff_area(tablet: AppPage) -> None:
    sign_in(tablet, "mai.ngo", next_path="/vi/staff")
    assert_at(tablet, "/vi/staff")
    expect(tablet.get("staff-heading")).to_have_text("Bàn làm việc một cửa")
    expect(tablet.get("staff-officer-name")).to_have_text("Ngô Thị Mai")
    expect(tablet.get("staff-officer-role")).to_have_text("Cán bộ một cửa")
    expect(tablet.get("staff-officer-unit")).to_contain_text("Phường Ba Đình, Thành phố Hà Nội")
    expect(tablet.get("staff-link-queue")).to_be_visible()
    # The dashboard and the audit log are for supervisors: a counter officer is not offered them.
    expect(tablet.get("staff-link-dashboard")).to_have_count(0)
    expect(tablet.get("staff-link-audit")).to_have_count(0)

    # Staff also see the way in from their account page; followed in the app, the state's guard lets them in.
    tablet.goto("/vi/account")
    tablet.click("account-staff-link")
    tablet.page.wait_for_url(re.compile(r"/vi/staff/?$"))
    expect(tablet.get("staff-officer-name")).to_have_text("Ngô Thị Mai")
    tablet.settle()


def test_a_citizen_is_refused_the_staff_area_in_both_languages(phone: AppPage) -> None:
    sign_in(phone, "an.nguyen", next_path="/vi/account")
    response = phone.page.goto(phone.base_url + "/vi/staff")
    assert response is not None and response.status == 403
    expect(phone.page.locator("h1")).to_have_text("Bạn không được mở trang này")
    expect(phone.get("staff-forbidden-message")).to_have_text(
        "Trang này chỉ dành cho cán bộ, công chức tiếp nhận và giải quyết hồ sơ."
    )
    expect(phone.get("staff-forbidden")).to_contain_text("Nguyễn Văn An")
    expect(phone.get("staff-officer-name")).to_have_count(0)
    phone.assert_accessible()

    with phone.page.expect_navigation():
        phone.click("staff-forbidden-language")
    assert re.search(r"/en/staff/?$", phone.page.url)
    expect(phone.page.locator("h1")).to_have_text("You cannot open this page")
    expect(phone.get("staff-forbidden-message")).to_have_text("This page is for public service staff only.")
    phone.assert_accessible()

    with phone.page.expect_navigation():
        phone.click("staff-forbidden-home")
    phone.settle()
    assert_at(phone, "/en/")


def test_staff_pages_send_someone_signed_out_to_sign_in_and_back(tablet: AppPage) -> None:
    tablet.page.goto(tablet.base_url + "/vi/staff")
    expect(tablet.get("idp-login")).to_be_visible()  # the HTTP guard sent the browser to sign in
    sign_in(tablet, "hai.trinh")
    assert_at(tablet, "/vi/staff")
    expect(tablet.get("staff-officer-unit")).to_contain_text("Hồ Chí Minh")


def test_the_account_page_in_english_for_a_level_1_citizen(phone: AppPage) -> None:
    phone.goto("/en/")
    sign_in(phone, "cuong.le", next_path="/en/account")
    assert phone.html_lang == "en"
    expect(phone.page.locator("h1")).to_have_text("Your account")
    expect(phone.get("account-verified-badge")).to_have_text("Verified by VNeID")
    expect(phone.get("account-full-name")).to_have_text("Lê Hoàng Cường")
    expect(phone.get("account-sex")).to_have_text("Male")
    expect(phone.get("account-level")).to_contain_text("Level 1")
    upgrade = phone.get("account-level-upgrade")
    expect(upgrade).to_contain_text("What level 2 unlocks")
    expect(upgrade).to_contain_text("chip-based citizen ID card")

    # Current address: province first, then its communes, then the street.
    phone.page.get_by_test_id("account-province").select_option("01")
    expect(phone.get("account-commune").locator("option", has_text="Phường Ba Đình")).to_have_count(1)
    phone.page.get_by_test_id("account-commune").select_option(label="Phường Ba Đình")
    phone.fill("account-street", "12 Phố Đội Cấn")
    phone.click("account-locale-en")
    phone.click("account-notify-email")
    phone.click("account-save")
    expect(phone.get("account-saved")).to_have_text("Your details have been saved.")
    expect(phone.get("account-changes")).to_contain_text("Current address: updated")
    expect(phone.get("account-changes")).to_contain_text("Preferred language: Tiếng Việt → English")
    expect(phone.get("account-changes")).to_contain_text("Email notifications: Off → On")
    phone.assert_accessible()

    phone.goto("/en/account")
    expect(phone.get("account-province")).to_have_value("01")
    expect(phone.get("account-street")).to_have_value("12 Phố Đội Cấn")
    expect(phone.get("account-notify-email")).to_be_checked()
    expect(phone.get("account-locale-en")).to_be_checked()


def test_touch_targets_on_the_account_page(phone: AppPage) -> None:
    sign_in(phone, "dung.pham", next_path="/vi/account")
    small = phone.page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, main input, main select')]
              .filter(el => el.offsetParent !== null || el.type === 'radio' || el.type === 'checkbox')
              .map(el => [el.dataset.testid || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
              .filter(([, r]) => r.height < 44 || r.width < 44)
              .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == []


def test_signed_out_in_another_tab_then_saving_signs_in_again_and_keeps_the_answers(phone: AppPage) -> None:
    sign_in(phone, "nhung.vo", next_path="/vi/account")
    other = AppPage(phone.page.context.new_page(), phone.base_url)
    other.goto("/vi/account")
    sign_out(other)
    other.page.close()

    phone.fill("account-phone", "0911 222 333")
    with phone.page.expect_navigation():
        phone.click("account-save")
    # Sent to sign in (the provider's session ended too), then straight back to the form.
    expect(phone.get("idp-login")).to_be_visible()
    sign_in(phone, "nhung.vo")
    assert_at(phone, "/vi/account")
    expect(phone.get("account-restored")).to_be_visible()
    expect(phone.get("account-phone")).to_have_value("0911 222 333")
    phone.click("account-save")
    expect(phone.get("account-saved")).to_be_visible()
    expect(phone.get("account-phone")).to_have_value("0911222333")


def test_not_signed_in_the_account_page_asks_to_sign_in_and_comes_back(phone: AppPage) -> None:
    phone.page.goto(phone.base_url + "/vi/account")
    expect(phone.get("idp-login")).to_be_visible(timeout=30_000)
    assert "/idp/" in phone.page.url
    sign_in(phone, "lan.bui")  # continues on the sandbox's page
    assert_at(phone, "/vi/account")
    expect(phone.get("account-full-name")).to_have_text("Bùi Thị Lan")


def test_an_officer_uses_the_staff_sign_in_while_a_citizen_signs_in_with_vneid(open_app) -> None:
    """Two providers at once: the footer's staff sign-in (the sandbox's staff client) and VNeID's."""
    officer = open_app("Galaxy Tab S4")
    citizen = open_app("Pixel 7")
    officer.goto("/vi/")
    with officer.page.expect_navigation():
        officer.click("footer-staff-sign-in")
    expect(officer.get("idp-login")).to_be_visible()
    assert "client_id=citizen-app-staff" in officer.page.url

    citizen.goto("/vi/")
    sign_in(citizen, "nhung.vo")  # the header's button: the citizen provider
    assert_at(citizen, "/vi/")
    sign_in(officer, "tung.phan")  # carries on from the staff sign-on's page
    assert_at(officer, "/vi/staff")
    expect(officer.get("staff-officer-name")).to_have_text("Phan Thanh Tùng")

    citizen.goto("/vi/account")
    expect(citizen.get("account-verified-badge")).to_have_text("Đã xác thực bởi VNeID")
    expect(citizen.get("account-refreshed")).to_contain_text("Cập nhật từ VNeID khi bạn đăng nhập lúc")
