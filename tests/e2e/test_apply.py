"""Applying online on a phone: prefilled and locked answers, documents, check, send, the receipt and its QR.

Each test signs in its own demo account where it makes a draft (one open draft per citizen and
procedure), so the tests do not depend on one another's order; they share one server and database.
A few tests change the database directly to set up what cannot be clicked (a session that timed
out, a draft written against an older version of the form); they are skipped against a server
given with ``--base-url``.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in

PERMANENT_RESIDENCE = "1.004222"
CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")
STEP_URL = r"/vi/apply/(\d+)/{page}(\?.*)?$"

SMALL_TARGETS = """() => [...document.querySelectorAll('main a, main button, main input, main select, main textarea')]
    .filter(el => el.offsetParent !== null && el.type !== 'hidden')
    .map(el => [el.dataset.testid || el.outerHTML.slice(0, 60), el.getBoundingClientRect()])
    .filter(([, r]) => r.height < 44 || r.width < 44)
    .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""


# ---- helpers ---------------------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (640, 480), color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=85)
    return out.getvalue()


def decode_qr(png: bytes) -> str:
    """An independent decoder (zbar), not the library that drew the code."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    symbols = decode(Image.open(io.BytesIO(png)), symbols=[ZBarSymbol.QRCODE])
    assert len(symbols) == 1, f"found {len(symbols)} QR codes"
    return symbols[0].data.decode("utf-8")


def wait_for_page(app: AppPage, page: str) -> int:
    """Wait for a page of the flow to be open and loaded; returns the draft id."""
    app.page.wait_for_url(re.compile(STEP_URL.format(page=re.escape(page))))
    expect(app.get("procedure-name")).not_to_be_empty()
    app.settle()
    match = re.search(r"/apply/(\d+)/", app.path)
    assert match
    return int(match.group(1))


def start_application(app: AppPage, username: str) -> int:
    """Sign in, open the start page, Start now: the first step of a fresh (or resumed) draft."""
    sign_in(app, username, next_path=f"/vi/services/{PERMANENT_RESIDENCE}/apply")
    expect(app.get("start-title")).to_have_text("Đăng ký thường trú")
    app.click("start-now")
    return wait_for_page(app, "applicant")


def fill_new_home(app: AppPage, *, basis: str = "own_home") -> None:
    app.get("field-new_address.province_code").select_option("01")
    commune = app.get("field-new_address.commune_code")
    expect(commune.locator('option[value="00004"]')).to_have_count(1)
    commune.select_option("00004")
    app.fill("field-new_address.street", "12 Phố Đội Cấn, tổ 5")
    app.get("field-residence_basis").select_option(basis)


def upload(app: AppPage, slot: str, name: str, data: bytes, mime: str = "image/jpeg") -> None:
    app.get(f"attachment-input-{slot}").set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


@pytest.fixture
def database(base_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """The test server's own SQLite database (only when the suite started the server itself)."""
    found = sorted(Path(tmp_path_factory.getbasetemp()).glob("app-data*/citizen_app.db"))
    if not found:
        pytest.skip("needs the server this suite starts (its database is changed directly)")
    connection = sqlite3.connect(found[-1], timeout=30)
    try:
        yield connection
    finally:
        connection.close()


# ---- the journey of the "Done when" ----------------------------------------------------------


def test_apply_for_permanent_residence_then_the_qr_proves_the_receipt(phone: AppPage, open_app) -> None:  # type: ignore[no-untyped-def]
    phone.goto("/vi/")
    sign_in(phone, "an.nguyen")
    phone.fill("home-search-input", "đăng ký thường trú")
    phone.page.keyboard.press("Enter")
    phone.page.wait_for_url(re.compile(r"/vi/search\?q="))
    result = phone.page.locator(f'[data-testid="search-results"] [data-code="{PERMANENT_RESIDENCE}"]').first
    result.click()
    phone.page.wait_for_url(f"**/vi/services/{PERMANENT_RESIDENCE}")
    phone.settle()
    phone.click("service-apply")
    phone.page.wait_for_url(f"**/vi/services/{PERMANENT_RESIDENCE}/apply")
    phone.settle()
    expect(phone.get("start-fee")).to_contain_text("10.000")
    expect(phone.get("start-documents")).to_contain_text("CT01")
    phone.click("start-now")
    wait_for_page(phone, "applicant")

    # Verified by VNeID: filled, locked, badged. From the profile: filled, editable, marked.
    expect(phone.get("prefill-summary")).to_contain_text("Chúng tôi đã điền sẵn")
    expect(phone.get("progress")).to_have_text("Bước 1 / 4")
    for name, value in (("full_name", "Nguyễn Văn An"), ("personal_id", "001085004217"), ("date_of_birth", "1985-03-14")):
        field = phone.get(f"field-{name}")
        expect(field).to_have_value(value)
        expect(field).to_have_attribute("readonly", "")
        expect(phone.get(f"badge-{name}")).to_have_text("Đã xác thực bởi VNeID")
    expect(phone.get("field-sex-male")).to_be_checked()
    expect(phone.get("field-sex-male")).to_be_disabled()
    expect(phone.get("field-phone")).not_to_have_attribute("readonly", "")
    expect(phone.get("field-phone")).not_to_have_value("")
    expect(phone.get("badge-phone")).to_have_text("Từ hồ sơ của bạn")
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.click("continue")

    wait_for_page(phone, "new_home")
    expect(phone.get("progress")).to_have_text("Bước 2 / 4")
    fill_new_home(phone, basis="relative")
    # Questions that depend on the answer appear at once.
    expect(phone.get("field-relationship_to_head")).to_be_visible()
    phone.get("field-relationship_to_head").select_option("parent")
    phone.fill("field-head_full_name", "Nguyễn Văn Bình")
    phone.fill("field-head_personal_id", "001060001234")
    phone.get("field-owner_consent").check()
    phone.click("continue")

    wait_for_page(phone, "household")
    phone.click("group-add-members")
    expect(phone.get("field-members.0.member_full_name")).to_be_visible()
    phone.fill("field-members.0.member_full_name", "Nguyễn Thị Cúc")
    phone.fill("field-members.0.member_personal_id", "001190005678")
    phone.fill("field-members.0.member_birth_date", "1990-07-02")
    phone.get("field-members.0.member_relationship").select_option("spouse")
    phone.get("field-declaration").check()
    phone.click("continue")

    wait_for_page(phone, "add-documents")
    upload(phone, "proof_of_residence", "so-do.jpg", jpeg())
    thumbnail = phone.get("attachments-proof_of_residence").locator("img")
    expect(thumbnail).to_be_visible()
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/files/\d+/thumbnail$"))
    phone.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    phone.click("continue")

    wait_for_page(phone, "check-answers")
    expect(phone.get("answer-full_name")).to_have_text("Nguyễn Văn An")
    expect(phone.get("answer-new_address")).to_contain_text("12 Phố Đội Cấn, tổ 5, Phường Ba Đình, Thành phố Hà Nội")
    expect(phone.get("answer-members")).to_contain_text("Nguyễn Thị Cúc")
    expect(phone.get("answer-documents-proof_of_residence")).to_contain_text("so-do.jpg")
    expect(phone.get("change-full_name")).to_have_count(0)  # verified: nothing to change here
    expect(phone.get("change-new_address")).to_be_visible()
    phone.click("continue")

    wait_for_page(phone, "send-application")
    expect(phone.get("fee-due")).to_contain_text("10.000")
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    code = phone.get("confirmation-code").inner_text()
    assert CODE.match(code), code
    expect(phone.get("appointment")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    expect(phone.get("receipt-offline")).to_be_visible()

    # The receipt: every slip field, and a QR code the test reads with zbar.
    phone.click("receipt-link")
    phone.page.wait_for_url(re.compile(r"/vi/receipts/"))
    phone.settle()
    expect(phone.get("receipt-code")).to_have_text(code)
    expect(phone.get("receipt-applicant")).to_have_text("Nguyễn Văn An")
    expect(phone.get("receipt-fee")).to_contain_text("10.000")
    expect(phone.get("receipt-documents")).to_contain_text("Giấy tờ chứng minh chỗ ở hợp pháp")
    expect(phone.get("receipt-status")).to_have_text("Đã nộp")
    url = decode_qr(phone.get("receipt-qr").screenshot())
    assert re.fullmatch(r"https?://[^/]+/v/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", url), url

    # Anyone may check it, without signing in: no personal data on that page.
    stranger = open_app("Pixel 7")
    token_path = urlsplit(url).path
    stranger.goto(token_path)
    expect(stranger.get("verify-status")).to_contain_text("hợp lệ")
    expect(stranger.get("verify")).to_have_attribute("data-genuine", "true")
    expect(stranger.get("verify-code")).to_have_text(code)
    expect(stranger.get("verify-dossier-status")).to_have_text("Đã nộp")
    expect(stranger.get("verify")).not_to_contain_text("Nguyễn Văn An")
    expect(stranger.get("verify")).not_to_contain_text("001085004217")

    encoded, tag = token_path.rsplit("/", 1)[1].split(".")
    altered = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    response = stranger.page.goto(f"{stranger.base_url}/v/{encoded}.{altered}")
    assert response is not None and response.status == 404
    stranger.settle()
    expect(stranger.get("verify")).to_have_attribute("data-genuine", "false")
    expect(stranger.get("verify-status")).to_contain_text("không hợp lệ")
