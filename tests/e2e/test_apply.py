"""Applying online on a phone: prefilled and locked answers, documents, check, send, the receipt and its QR.

Each test signs in its own demo account where it makes a draft (one open draft per citizen and
procedure), so the tests do not depend on one another's order; they share one server and database.
lan.bui and duc.hoang are left to tests/e2e/test_tracking.py, which counts their notifications; two
staff accounts apply here as citizens.
A few tests change the database directly to set up what cannot be clicked (a session that timed
out, a draft written against an older version of the form); they are skipped against a server
given with ``--base-url``.
"""

from __future__ import annotations

import io
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
    .filter(el => el.offsetParent !== null && el.type !== 'hidden' && el.type !== 'file')
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


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_qr(data: bytes, folder: Path) -> str:
    """The QR code on the PDF's first page, rendered by poppler (pdftoppm) and read by zbar."""
    import subprocess

    source = folder / "receipt.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(source), str(folder / "page")], check=True)
    (page,) = folder.glob("page*.png")
    return decode_qr(page.read_bytes())


def wait_for_page(app: AppPage, page: str) -> int:
    """Wait for a page of the flow to be open and loaded; returns the draft id."""
    return wait_for_page_in(app, "vi", page)


def wait_for_page_in(app: AppPage, locale: str, page: str) -> int:
    # Pages of the flow follow one another client-side: the URL changes without a new document.
    pattern = STEP_URL.replace("/vi/", f"/{locale}/").format(page=re.escape(page))
    app.page.wait_for_url(re.compile(pattern), wait_until="commit")
    expect(app.get("procedure-name")).not_to_be_empty()
    app.settle()
    match = re.search(r"/apply/(\d+)/", app.path)
    assert match
    return int(match.group(1))


def start_application(app: AppPage, username: str, *, lands_on: str = "applicant") -> int:
    """Sign in, open the start page, Start now: a fresh draft's first step (or where a draft stopped)."""
    sign_in(app, username, next_path=f"/vi/services/{PERMANENT_RESIDENCE}/apply")
    expect(app.get("start-title")).to_have_text("Đăng ký thường trú")
    app.click("start-now")
    return wait_for_page(app, lands_on)


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


def test_apply_for_permanent_residence_then_the_qr_proves_the_receipt(phone: AppPage, open_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
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
    assert phone.page.evaluate(SMALL_TARGETS) == []
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
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.click("continue")

    wait_for_page(phone, "check-answers")
    expect(phone.get("answer-full_name")).to_have_text("Nguyễn Văn An")
    expect(phone.get("answer-new_address")).to_contain_text("12 Phố Đội Cấn, tổ 5, Phường Ba Đình, Thành phố Hà Nội")
    expect(phone.get("answer-members")).to_contain_text("Nguyễn Thị Cúc")
    expect(phone.get("answer-documents-proof_of_residence")).to_contain_text("so-do.jpg")
    expect(phone.get("change-full_name")).to_have_count(0)  # verified: nothing to change here
    expect(phone.get("change-new_address")).to_be_visible()
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.click("continue")

    wait_for_page(phone, "send-application")
    expect(phone.get("fee-due")).to_contain_text("10.000")
    assert phone.page.evaluate(SMALL_TARGETS) == []
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    code = phone.get("confirmation-code").inner_text()
    assert CODE.match(code), code
    expect(phone.get("appointment")).to_have_text(re.compile(r"^\d{2}/\d{2}/\d{4}$"))
    expect(phone.get("receipt-offline")).to_be_visible()
    assert phone.page.evaluate(SMALL_TARGETS) == []

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
    with phone.page.expect_download() as saved:
        phone.click("receipt-download")
    assert saved.value.suggested_filename.endswith(".pdf")
    pdf = Path(saved.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert code in text and "Nguyễn Văn An" in text and "GIẤY TIẾP NHẬN HỒ SƠ" in text
    assert pdf_qr(pdf, tmp_path) == url

    # At the counter with no signal: the phone still opens the receipt.
    receipt_path = phone.path
    phone.page.context.set_offline(True)
    try:
        phone.page.goto(phone.base_url + receipt_path)
        expect(phone.get("receipt-code")).to_have_text(code)
        assert phone.page.evaluate("() => !!document.querySelector('[data-testid=receipt-qr]').naturalWidth")
    finally:
        phone.page.context.set_offline(False)

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


def complete_to_send(app: AppPage) -> int:
    """From the first step, the shortest complete application; ends on the send page."""
    app.click("continue")
    wait_for_page(app, "new_home")
    fill_new_home(app, basis="own_home")
    app.click("continue")
    wait_for_page(app, "household")
    app.get("field-declaration").check()
    app.click("continue")
    wait_for_page(app, "add-documents")
    upload(app, "proof_of_residence", "giay-chung-nhan.jpg", jpeg())
    expect(app.get("attachments-proof_of_residence").locator("img")).to_be_visible()
    app.click("continue")
    wait_for_page(app, "check-answers")
    app.click("continue")
    return wait_for_page(app, "send-application")


def submitted_count(database: sqlite3.Connection, draft_id: int) -> int:
    """Dossiers this draft's applicant has sent for the procedure (a double submit would make two)."""
    return database.execute(
        "select count(*) from dossiers where procedure_code = ? and status != 'draft'"
        " and applicant_id = (select applicant_id from dossiers where id = ?)",
        (PERMANENT_RESIDENCE, draft_id),
    ).fetchone()[0]


# ---- drafts ------------------------------------------------------------------------------------------


def test_a_draft_resumes_after_the_browser_is_closed_and_back_keeps_answers(open_app) -> None:  # type: ignore[no-untyped-def]
    first = open_app("Pixel 7")
    draft_id = start_application(first, "binh.tran")
    first.fill("field-phone", "0903 111 222")
    first.click("continue")
    wait_for_page(first, "new_home")
    fill_new_home(first, basis="rented")
    first.fill("field-head_full_name", "Lê Văn Chủ")
    # Back keeps what is on the page, and the answers of the step before.
    first.click("back")
    wait_for_page(first, "applicant")
    expect(first.get("field-phone")).to_have_value("0903111222")
    first.click("continue")
    wait_for_page(first, "new_home")
    expect(first.get("field-head_full_name")).to_have_value("Lê Văn Chủ")
    expect(first.get("field-new_address.street")).to_have_value("12 Phố Đội Cấn, tổ 5")
    first.fill("field-head_full_name", "Lê Văn Chủ Nhà")
    # Saved while typing: no Continue before the browser goes away.
    first.page.wait_for_timeout(1500)
    first.page.context.close()

    second = open_app("Pixel 7")
    sign_in(second, "binh.tran", next_path=f"/vi/services/{PERMANENT_RESIDENCE}/apply")
    expect(second.get("draft-in-progress")).to_be_visible()
    second.click("start-now")  # resumes the open draft where it stopped: the first step not finished
    assert wait_for_page(second, "new_home") == draft_id
    expect(second.get("field-head_full_name")).to_have_value("Lê Văn Chủ Nhà")
    expect(second.get("field-residence_basis")).to_have_value("rented")
    expect(second.get("field-new_address.commune_code")).to_have_value("00004")
    second.click("back")
    wait_for_page(second, "applicant")
    expect(second.get("field-phone")).to_have_value("0903111222")
    # The address of the page itself opens the draft too (what My applications links to).
    second.goto(f"/vi/apply/{draft_id}")
    wait_for_page(second, "new_home")
    # The same draft in English: the questions come from the schema in the reader's language.
    second.switch_language()
    assert second.path == f"/en/apply/{draft_id}/new_home"
    expect(second.get("page-title")).to_have_text("Your new permanent address")
    expect(second.get("progress")).to_have_text("Step 2 of 4")
    expect(second.get("question-residence_basis")).to_contain_text("Why can you live here?")
    expect(second.get("field-head_full_name")).to_have_value("Lê Văn Chủ Nhà")
    second.click("continue")  # the owner's ID number and consent are still missing: said in English
    expect(second.get("error-summary")).to_contain_text("There is a problem")
    expect(second.get("error-head_personal_id")).to_have_text("Error: Enter this information")
    expect(second.get("error-owner_consent")).to_have_text("Error: Tick this box to continue")
    second.assert_accessible()


# ---- bad input -----------------------------------------------------------------------------------------


def test_missing_and_invalid_answers_are_explained_and_nothing_moves_on(phone: AppPage) -> None:
    draft_id = start_application(phone, "dung.pham")
    phone.fill("field-phone", "12345")
    phone.click("continue")
    expect(phone.get("error-summary")).to_contain_text("Có lỗi")
    expect(phone.get("error-phone")).to_contain_text("Vui lòng nhập số điện thoại di động Việt Nam")
    expect(phone.get("field-phone")).to_have_attribute("aria-invalid", "true")
    assert phone.path == f"/vi/apply/{draft_id}/applicant"
    phone.assert_accessible()
    phone.fill("field-phone", "0912 345 678")
    phone.click("continue")

    wait_for_page(phone, "new_home")
    phone.click("continue")  # nothing answered
    expect(phone.get("error-summary").get_by_test_id("error-link")).to_have_count(2)
    expect(phone.get("error-new_address.province_code")).to_contain_text("tỉnh, thành phố")
    expect(phone.get("error-residence_basis")).to_be_visible()
    phone.assert_accessible()
    # The summary links to the control.
    phone.get("error-summary").get_by_test_id("error-link").first.click()
    expect(phone.get("field-new_address.province_code")).to_be_focused()

    fill_new_home(phone, basis="relative")
    phone.get("field-relationship_to_head").select_option("child")
    phone.fill("field-head_full_name", "Phạm Văn Cha")
    phone.fill("field-head_personal_id", "999999999999")
    phone.click("continue")
    expect(phone.get("error-head_personal_id")).to_contain_text("không hợp lệ")
    expect(phone.get("error-owner_consent")).to_be_visible()
    phone.fill("field-head_personal_id", "031060001234")
    phone.get("field-owner_consent").check()
    phone.click("continue")

    wait_for_page(phone, "household")
    phone.click("group-add-members")
    phone.fill("field-members.0.member_full_name", "Phạm Văn Con")
    phone.fill("field-members.0.member_personal_id", "0313")
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    phone.fill("field-members.0.member_birth_date", tomorrow)
    phone.get("field-members.0.member_relationship").select_option("child")
    phone.click("continue")
    expect(phone.get("error-members.0.member_birth_date")).to_have_text(re.compile("Ngày không được sau ngày hôm nay"))
    expect(phone.get("error-members.0.member_personal_id")).to_contain_text("12 chữ số")
    expect(phone.get("error-declaration")).to_be_visible()
    phone.assert_accessible()
    # A second entry added and removed again leaves the first as it was.
    phone.click("group-add-members")
    phone.fill("field-members.1.member_full_name", "Tạm")
    phone.click("group-remove-members-1")
    expect(phone.get("field-members.1.member_full_name")).to_have_count(0)
    expect(phone.get("field-members.0.member_full_name")).to_have_value("Phạm Văn Con")
    phone.click("group-remove-members-0")
    expect(phone.get("field-members.0.member_full_name")).to_have_count(0)
    phone.get("field-declaration").check()
    phone.click("continue")
    wait_for_page(phone, "add-documents")


def test_files_are_checked_by_content_and_limits_are_explained(phone: AppPage) -> None:
    start_application(phone, "nhung.vo")
    phone.click("continue")
    wait_for_page(phone, "new_home")
    fill_new_home(phone)
    phone.click("continue")
    wait_for_page(phone, "household")
    phone.get("field-declaration").check()
    phone.click("continue")
    wait_for_page(phone, "add-documents")
    expect(phone.get("attachment-input-proof_of_residence")).to_have_attribute("accept", re.compile("image/\\*"))
    expect(phone.get("attachment-camera-proof_of_residence")).to_have_attribute("capture", "environment")

    phone.click("continue")  # the required document is missing
    expect(phone.get("error-attachments.proof_of_residence")).to_contain_text("Vui lòng")

    upload(phone, "proof_of_residence", "trong.jpg", b"")
    expect(phone.get("error-attachments.proof_of_residence")).to_contain_text("không có nội dung")
    expect(phone.get("uploading-proof_of_residence")).to_be_hidden()  # "Uploading…" ends with the answer
    upload(phone, "proof_of_residence", "hop-dong.pdf", jpeg(), mime="application/pdf")
    expect(phone.get("error-attachments.proof_of_residence")).to_contain_text("không đúng như tên gọi")
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10)
    upload(phone, "proof_of_residence", "qua-lon.pdf", big, mime="application/pdf")
    expect(phone.get("error-attachments.proof_of_residence")).to_contain_text("lớn hơn 10 MB")
    expect(phone.get("error-summary")).to_be_visible()
    phone.assert_accessible()

    for number in range(5):  # the slot takes five files
        # Reflex drops a file picked while the previous upload's request is still open ("Upload already in
        # progress"), and the list can show the file a moment before that request ends: wait for it to end.
        with phone.page.expect_response(lambda response: "/_upload" in response.url) as sent:
            upload(phone, "proof_of_residence", f"trang-{number}.jpg", jpeg(color="blue"))
        sent.value.finished()
        expect(phone.get("attachments-proof_of_residence").locator("li")).to_have_count(number + 1)
    expect(phone.get("attachment-input-proof_of_residence")).to_have_count(0)  # full: no more pickers
    upload(phone, "other_documents", "them.jpg", jpeg())
    expect(phone.get("attachments-other_documents").locator("li")).to_have_count(1)

    # Taking one out makes room again; the summary says which files went.
    first = phone.get("attachments-proof_of_residence").locator("li").first
    first.get_by_role("button").click()
    expect(phone.get("attachments-proof_of_residence").locator("li")).to_have_count(4)
    # Two files chosen at once with room for one: the first is added, the second refused.
    phone.get("attachment-input-proof_of_residence").set_input_files(
        files=[
            {"name": "trang-5.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
            {"name": "trang-6.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
        ]
    )
    expect(phone.get("error-attachments.proof_of_residence")).to_contain_text("tối đa 5 tệp")
    expect(phone.get("attachments-proof_of_residence").locator("li")).to_have_count(5)
    phone.click("continue")
    wait_for_page(phone, "check-answers")
    expect(phone.get("answer-documents-proof_of_residence")).to_contain_text("trang-5.jpg")


# ---- sending -------------------------------------------------------------------------------------------


def test_a_double_tap_and_a_second_tab_make_one_dossier(
    phone: AppPage, open_app, database: sqlite3.Connection  # type: ignore[no-untyped-def]
) -> None:
    draft_id = start_application(phone, "tung.phan")
    phone.fill("field-email", "tung.moi@example.vn")  # newly typed: offered for the profile afterwards
    complete_to_send(phone)
    # Two taps in the same instant, before the page can disable the button.
    phone.page.evaluate("() => { const b = document.querySelector('[data-testid=\"submit\"]'); b.click(); b.click(); }")
    wait_for_page(phone, "application-sent")
    code = phone.get("confirmation-code").inner_text()
    assert CODE.match(code)
    expect(phone.get("reusable-offer")).to_contain_text("tung.moi@example.vn")
    phone.click("save-to-profile")
    expect(phone.get("profile-saved")).to_be_visible()
    phone.goto("/vi/account")
    expect(phone.get("account-email")).to_have_value("tung.moi@example.vn")

    other = AppPage(phone.page.context.new_page(), phone.base_url)
    other.goto(f"/vi/apply/{draft_id}/send-application")  # a tab left open on the declaration
    other.page.wait_for_url(re.compile(r"/application-sent$"))
    expect(other.get("confirmation-code")).to_have_text(code)
    assert submitted_count(database, draft_id) == 1

    # The receipt: English, the 80 mm variant, the download.
    other.goto(f"/en/receipts/{code}")
    expect(other.page.locator("h1")).to_have_text("Receipt of application and appointment for the result")
    expect(other.get("receipt-fee")).to_contain_text("VND\xa010,000")
    other.click("receipt-80mm")
    other.page.wait_for_url(re.compile(r"format=80mm"))
    other.settle()
    assert "receipt-80mm" in (other.page.locator("body").get_attribute("class") or "")
    download = other.page.request.get(f"{other.base_url}/vi/receipts/{code}?download=1")
    assert download.ok and "attachment" in download.headers["content-disposition"]
    assert download.headers["content-type"] == "application/pdf"
    assert code in pdf_text(download.body())

    # The files and the receipt are the applicant's: anyone else gets "not found" (and is audited).
    attachment_id = database.execute(
        "select id from dossier_attachments where dossier_id = ?", (draft_id,)
    ).fetchone()[0]
    own = other.page.request.get(f"{other.base_url}/files/{attachment_id}/thumbnail")
    assert own.ok and own.headers["content-type"] == "image/jpeg"
    assert other.page.request.get(f"{other.base_url}/files/{attachment_id}").headers["content-type"] == "image/jpeg"
    someone_else = open_app("Pixel 7")
    sign_in(someone_else, "nhung.vo", next_path="/vi/")
    for path in (f"/files/{attachment_id}", f"/files/{attachment_id}/thumbnail", f"/vi/receipts/{code}"):
        assert someone_else.page.request.get(someone_else.base_url + path, max_redirects=0).status == 404, path
    denied = database.execute(
        "select count(*) from audit_events where outcome = 'denied' and target_id = ?", (str(draft_id),)
    ).fetchone()[0]
    assert denied >= 3
    stranger = open_app("Pixel 7")
    assert stranger.page.request.get(f"{stranger.base_url}/files/{attachment_id}/thumbnail").status == 404
    signed_out = stranger.page.request.get(f"{stranger.base_url}/vi/receipts/{code}", max_redirects=0)
    assert signed_out.status == 303 and "/auth/login" in signed_out.headers["location"]


def test_sending_after_the_session_timed_out_signs_in_again_and_sends_once(
    phone: AppPage, database: sqlite3.Connection
) -> None:
    draft_id = start_application(phone, "mai.ngo")
    complete_to_send(phone)
    long_ago = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with database:
        database.execute(
            "update auth_sessions set last_seen_at = ? where ended_at is null"
            " and user_id = (select applicant_id from dossiers where id = ?)",
            (long_ago, draft_id),
        )
    phone.click("submit")
    expect(phone.get("session-ended")).to_be_visible()
    assert submitted_count(database, draft_id) == 0
    with phone.page.expect_navigation():
        phone.click("session-ended-sign-in")
    if "/idp/" in phone.page.url:
        sign_in(phone, "mai.ngo")
    wait_for_page(phone, "send-application")  # back where they were, nothing lost
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    assert CODE.match(phone.get("confirmation-code").inner_text())
    assert submitted_count(database, draft_id) == 1


def test_a_form_changed_while_a_draft_was_open_says_what_happened(
    phone: AppPage, database: sqlite3.Connection
) -> None:
    draft_id = start_application(phone, "cuong.le")
    phone.fill("field-email", "cuong@example.vn")
    phone.page.wait_for_timeout(1500)  # saved while typing
    # Meanwhile the procedure's form is updated: this draft was written against an older version,
    # with a question the new form no longer asks.
    with database:
        database.execute(
            "update dossiers set form_version = 0, answers = json_set(answers, '$.old_question', 'cũ') where id = ?",
            (draft_id,),
        )
    phone.fill("field-phone", "0977 000 111")  # the next save finds the change
    notices = phone.get("form-notice")
    expect(notices.first).to_contain_text("Biểu mẫu đã được cập nhật")
    expect(notices.filter(has_text="1 câu trả lời không còn phù hợp")).to_have_count(1)
    expect(phone.get("field-email")).to_have_value("cuong@example.vn")
    phone.assert_accessible()
    row = database.execute("select form_version, answers from dossiers where id = ?", (draft_id,)).fetchone()
    assert row[0] == 1 and "old_question" not in row[1]


def test_answers_typed_offline_are_kept_on_the_phone_and_saved_when_the_connection_returns(
    phone: AppPage,
) -> None:
    # The open connection is routed through the test, so it can be cut like a lost signal; while the
    # browser is offline, reconnecting fails as it does on a phone.
    connections: list = []

    def route(websocket) -> None:  # type: ignore[no-untyped-def]
        websocket.connect_to_server()
        connections.append(websocket)

    phone.page.route_web_socket(re.compile(r"/_event"), route)
    console: list[str] = []
    phone.page.on("console", lambda message: console.append(message.text))
    draft_id = start_application(phone, "hai.trinh")
    kept = f"() => localStorage.getItem('citizen-apply:{draft_id}/applicant')"

    phone.page.context.set_offline(True)
    try:
        for websocket in connections:
            websocket.close()
        # A reconnection that dies before its handshake is only given up after socket.io's 20 s timeout.
        try:
            expect(phone.get("connection-banner")).to_be_visible(timeout=30_000)
        except AssertionError as problem:
            raise AssertionError(f"{len(connections)} connections; console: {console[-20:]}") from problem
        phone.fill("field-email", "hai.offline@example.vn")
        assert "hai.offline@example.vn" in (phone.page.evaluate(kept) or "")
    finally:
        phone.page.context.set_offline(False)

    expect(phone.get("connection-banner")).to_be_hidden(timeout=20_000)
    expect(phone.get("saved-offline")).to_be_visible()
    phone.page.wait_for_function(kept.replace("() =>", "() => !"))  # forgotten once saved
    phone.page.reload()
    wait_for_page(phone, "applicant")
    expect(phone.get("field-email")).to_have_value("hai.offline@example.vn")


def test_a_level_1_account_is_told_why_and_what_to_do(phone: AppPage) -> None:
    phone.page.set_viewport_size({"width": 360, "height": 800})  # the cheapest phones the app is laid out for
    sign_in(phone, "cuong.le", next_path="/vi/services/1.001456/apply")
    expect(phone.get("assurance-gate")).to_contain_text("mức độ 2")
    expect(phone.get("start-now")).to_have_count(0)
    # Above the fold, with where to apply in person instead.
    expect(phone.get("apply-in-person")).to_contain_text("Nộp hồ sơ tại")
    expect(phone.get("apply-in-person-terms")).not_to_be_empty()
    assert phone.page.evaluate("() => window.scrollY") == 0
    box = phone.get("apply-in-person").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800, box
    phone.assert_accessible()
