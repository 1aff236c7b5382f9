"""The counter desk and the supervisor, as staff use them on a tablet or a desktop.

* A citizen applies on a phone; the officer opens the application by its typed code and by the
  receipt's QR (a photo fed to the scanner, and Chromium's fake camera), receives it, asks for
  more information, approves it and marks the result ready with a result file; the supervisor's
  dashboard counts it and the audit log shows who did what.
* Authorisation: an officer of another unit cannot open it; a counter officer cannot open the
  supervisor pages.
* Assisted submission at the counter for a citizen who signed in once.
* Nothing fires by accident: every staff action is double-tapped on a tablet or a phone, and each
  time exactly one transition happens (``test_a_double_tap_is_one_action_every_time``); "result
  ready" with nothing for the applicant is refused, and the citizen sees where to collect a paper result.

The demo seed (``python -m citizen_app setup``) puts a few dozen dossiers in the demo desks'
queues, so nothing here counts a whole queue or dashboard: tests look for their own dossiers by
code and compare figures before and after. The citizen's answer to the supplement request is
given through the core (the citizen's own page is another area's); against a server given with
``--base-url`` that test needs ``E2E_APP_DATA_DIR`` (the server's DATA_DIR), or it is skipped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import Playwright, expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.kit import AppPage, sign_in
from tests.e2e.test_apply import PERMANENT_RESIDENCE, decode_qr, fill_new_home, jpeg, upload, wait_for_page

TEMPORARY_RESIDENCE = "1.004194"
AN_NGUYEN_ID = "001085004217"
BA_DINH_CODE = re.compile(r"^004\.00\.20\.H01-\d{6}-\d{4}$")
PDF = (  # the smallest PDF a reader opens: one blank page (pypdf finds the objects without an xref table)
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R/Size 4>>\n"
    b"startxref\n0\n%%EOF\n"
)


# ---- helpers ---------------------------------------------------------------------------------------


def number(app: AppPage, testid: str) -> int:
    """A figure on the dashboard (Vietnamese thousands separators)."""
    return int(re.sub(r"[^\d]", "", app.get(testid).inner_text()) or "0")


def resolved(app: AppPage) -> int:
    return int(re.sub(r"[^\d]", "", app.get("dashboard-on-time-note").inner_text()) or "0")


def ratings(app: AppPage) -> int:
    """"12 lượt đánh giá, trung bình 4,5" → 12."""
    return int(re.match(r"\d+", re.sub(r"[.\s]", "", app.get("dashboard-satisfaction-note").inner_text())).group(0))  # type: ignore[union-attr]


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    qrcode.make(text, box_size=8, border=4).save(out, "PNG")
    return out.getvalue()


def apply_online(phone: AppPage, username: str) -> str:
    """A citizen applies for permanent residence in Phường Ba Đình; returns the dossier code."""
    sign_in(phone, username, next_path=f"/vi/services/{PERMANENT_RESIDENCE}/apply")
    phone.click("start-now")
    phone.page.wait_for_url(re.compile(r"/apply/\d+/"))
    if "/applicant" not in phone.path:  # an open draft of an earlier run: start from its first step
        phone.goto(re.sub(r"/apply/(\d+)/.*", r"/apply/\1/applicant", phone.path))
    wait_for_page(phone, "applicant")
    phone.click("continue")
    wait_for_page(phone, "new_home")
    fill_new_home(phone, basis="own_home")
    phone.click("continue")
    wait_for_page(phone, "household")
    phone.get("field-declaration").check()
    phone.click("continue")
    wait_for_page(phone, "add-documents")
    if phone.get("attachments-proof_of_residence").count() == 0:
        upload(phone, "proof_of_residence", "so-do.jpg", jpeg())
        expect(phone.get("attachments-proof_of_residence").locator("img")).to_be_visible()
    phone.click("continue")
    wait_for_page(phone, "check-answers")
    phone.click("continue")
    wait_for_page(phone, "send-application")
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    return phone.get("confirmation-code").inner_text()


def open_dossier(officer: AppPage, code: str) -> None:
    """Type the code at the desk."""
    officer.goto("/vi/staff/open")
    officer.fill("staff-open-code", code)
    officer.click("staff-open-submit")
    officer.page.wait_for_url(re.compile(r"/vi/staff/dossiers/"))
    expect(officer.get("staff-dossier-code")).to_have_text(code)
    officer.settle()


def status_is(officer: AppPage, status: str) -> None:
    expect(officer.get("staff-dossier")).to_have_attribute("data-status", status)


def history(officer: AppPage) -> int:
    """How many events the dossier's history lists."""
    return officer.get("staff-timeline").locator("[data-testid^='staff-event-']").count()


def double_tap(officer: AppPage, testid: str, gap_ms: int) -> None:
    """Two taps of one finger at the same spot, ``gap_ms`` apart, whatever is there by the second one."""
    target = officer.get(testid)
    target.scroll_into_view_if_needed()
    expect(target).to_be_visible()
    expect(target).to_be_enabled()
    box = target.bounding_box()
    assert box is not None, testid
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    officer.page.touchscreen.tap(x, y)
    officer.page.wait_for_timeout(gap_ms)
    officer.page.touchscreen.tap(x, y)


def one_transition(officer: AppPage, testid: str, *, to: str, events_before: int, gap_ms: int) -> int:
    """Double-tap an action; exactly one step is taken (the status, the history, and again after a wait)."""
    double_tap(officer, testid, gap_ms)
    status_is(officer, to)
    expect(officer.get("staff-notice")).to_be_visible()
    expect(officer.get("staff-timeline").locator("[data-testid^='staff-event-']")).to_have_count(events_before + 1)
    officer.page.wait_for_timeout(1500)  # anything a second tap could still have sent has arrived by now
    status_is(officer, to)
    assert history(officer) == events_before + 1, testid
    expect(officer.get("staff-problem")).to_have_count(0)
    return events_before + 1


def only_asks(officer: AppPage, testid: str, *, confirm: str, status: str, events_before: int, gap_ms: int) -> None:
    """Double-tap an action that is confirmed first: the question shows, nothing is done yet."""
    double_tap(officer, testid, gap_ms)
    expect(officer.get(f"staff-confirm-{confirm}")).to_be_visible()
    officer.page.wait_for_timeout(1500)
    status_is(officer, status)
    assert history(officer) == events_before, testid


# ---- the journey ------------------------------------------------------------------------------------------


def test_a_citizen_and_an_officer_walk_a_dossier_to_its_result(open_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 6's journey, two people in two browsers (plus the supervisor's)."""
    supervisor = open_app("desktop")
    sign_in(supervisor, "tung.phan", next_path="/vi/staff/dashboard?days=30&by=week")
    expect(supervisor.get("dashboard-area")).to_have_text("Thành phố Hà Nội")
    received_before, resolved_before = number(supervisor, "dashboard-received"), resolved(supervisor)
    ratings_before = ratings(supervisor)

    # 1. A citizen applies online on a phone.
    phone = open_app("Pixel 7")
    code = apply_online(phone, "an.nguyen")
    assert BA_DINH_CODE.match(code), code
    phone.click("receipt-link")
    phone.page.wait_for_url(re.compile(r"/vi/receipts/"))
    phone.settle()
    receipt_qr = phone.get("receipt-qr").screenshot()
    verification_url = decode_qr(receipt_qr)

    # 2. The officer on a tablet: it is in the queue, and opens by its typed code.
    tablet = open_app("Galaxy Tab S4")
    sign_in(tablet, "mai.ngo", next_path="/vi/staff/queue?status=submitted")
    expect(tablet.get(f"staff-queue-item-{code}")).to_be_visible()
    expect(tablet.get("staff-filter-status")).to_have_value("submitted")
    open_dossier(tablet, code)
    status_is(tablet, "submitted")
    expect(tablet.get("staff-applicant-name")).to_have_text("Nguyễn Văn An")
    expect(tablet.get("staff-applicant-pid")).to_have_text("•••• •••• 4217")
    # The ID number is masked wherever the desk shows it: the answers too.
    expect(tablet.get("staff-answer-personal_id")).to_have_text("•••• •••• 4217")
    assert AN_NGUYEN_ID not in tablet.get("staff-dossier").inner_text()
    expect(tablet.get("staff-answer-full_name")).to_have_text("Nguyễn Văn An")
    thumbnail = tablet.get("staff-files").locator("img").first
    expect(thumbnail).to_have_attribute("src", re.compile(r"^/files/\d+/thumbnail$"))
    tablet.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    expect(tablet.get("staff-action-approved")).to_have_count(0)  # not before it is received and processed

    # ... and by the receipt's QR code, from a photo (the scanner decodes it in the browser).
    tablet.goto("/vi/staff/open")
    tablet.get("staff-scan-photo").set_input_files(
        files=[{"name": "bien-nhan.png", "mimeType": "image/png", "buffer": receipt_qr}]
    )
    tablet.page.wait_for_url(re.compile(r"/vi/staff/dossiers/"))
    expect(tablet.get("staff-dossier-code")).to_have_text(code)
    tablet.settle()
    # A receipt whose token was altered is refused.
    tablet.goto("/vi/staff/open")
    _encoded, tag = urlsplit(verification_url).path.rsplit("/", 1)[1].split(".")
    forged = verification_url.replace(tag, tag[:-1] + ("A" if tag[-1] != "A" else "B"))
    tablet.get("staff-scan-photo").set_input_files(
        files=[{"name": "gia.png", "mimeType": "image/png", "buffer": qr_png(forged)}]
    )
    expect(tablet.get("staff-open-problem")).to_contain_text("không phải của giấy tiếp nhận hợp lệ")
    assert "/staff/open" in tablet.path
    tablet.assert_accessible()

    # 3. Receive, then ask for more information.
    open_dossier(tablet, code)
    tablet.click("staff-action-received")
    status_is(tablet, "received")
    expect(tablet.get("staff-notice")).to_contain_text("Đã tiếp nhận")
    tablet.click("staff-supplement-open")
    expect(tablet.get("staff-supplement-field-full_name")).to_have_count(0)  # verified by VNeID: not askable
    tablet.click("staff-action-supplement_requested")  # nothing chosen
    expect(tablet.get("staff-supplement-error")).to_be_visible()
    tablet.assert_accessible()
    tablet.get("staff-supplement-field-phone").check()
    tablet.fill("staff-supplement-message", "Đề nghị cập nhật số điện thoại liên hệ đang dùng.")
    tablet.click("staff-action-supplement_requested")
    status_is(tablet, "supplement_requested")
    expect(tablet.get("staff-supplement-open-request")).to_contain_text("Đề nghị cập nhật số điện thoại")

    # 4. The citizen sees the notification on the phone and supplies it.
    phone.goto("/vi/applications")
    expect(phone.get(f"applications-new-{code}")).to_be_visible()
    expect(phone.get(f"applications-status-{code}")).to_have_text("Yêu cầu bổ sung")
    phone.click("applications-notifications")
    phone.page.wait_for_url("**/vi/notifications")
    phone.settle()
    expect(phone.get("notification-0")).to_contain_text(code)
    phone.get("notification-0").click()
    phone.page.wait_for_url(f"**/vi/applications/{code}")
    phone.settle()
    expect(phone.get("supplement-message")).to_contain_text("Đề nghị cập nhật số điện thoại")
    phone.fill("field-phone", "0987 654 321")
    phone.click("supplement-submit")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "processing")

    # 5. The officer approves, attaches the result and marks it ready.
    tablet.goto(f"/vi/staff/dossiers/{code}")
    status_is(tablet, "processing")
    expect(tablet.get("staff-answer-phone")).to_have_text("0987654321")
    tablet.click("staff-action-approved")
    expect(tablet.get("staff-confirm-question")).to_contain_text("Phê duyệt hồ sơ này?")
    tablet.click("staff-confirm-yes")
    status_is(tablet, "approved")
    tablet.get("staff-result-upload").set_input_files(
        files=[{"name": "ket-qua.txt", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}]
    )
    expect(tablet.get("staff-result-error")).to_be_visible()  # checked by content, not by name
    tablet.get("staff-result-upload").set_input_files(
        files=[{"name": "giay-xac-nhan-thuong-tru.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    expect(tablet.get("staff-files")).to_contain_text("giay-xac-nhan-thuong-tru.pdf")
    tablet.click("staff-action-result_ready")
    expect(tablet.get("staff-pickup-place")).to_have_count(0)  # a document is attached: nothing to collect
    tablet.click("staff-confirm-yes")
    status_is(tablet, "result_ready")
    expect(tablet.get("staff-action-returned")).to_be_visible()
    for action in ("Cơ quan đã tiếp nhận", "Yêu cầu bổ sung thông tin", "Đã phê duyệt", "Đã có kết quả"):
        expect(tablet.get("staff-timeline")).to_contain_text(action)
    tablet.assert_accessible()

    # 6. The citizen downloads the result and rates the service.
    phone.goto(f"/vi/applications/{code}")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "result_ready")
    with phone.page.expect_download() as downloading:
        phone.click("result-download")
    result = Path(downloading.value.path()).read_bytes()
    # Issue 13: the uploaded result was sealed at upload: the same page, signed by the agency.
    assert result.startswith(b"%PDF-") and b"/ByteRange" in result and len(result) > len(PDF)
    phone.click("rating-5")
    expect(phone.get("rating-5")).to_have_attribute("aria-pressed", "true")
    phone.fill("rating-comment", "Nhanh và rõ ràng")
    phone.click("rating-submit")
    expect(phone.get("rating-done")).to_contain_text("5 / 5")
    phone.assert_accessible()

    # 7. The supervisor's dashboard counts it, rating included; the audit log says who did it.
    supervisor.goto("/vi/staff/dashboard?days=30&by=week")
    expect(supervisor.get("dashboard-received")).to_have_text(str(received_before + 1))
    assert resolved(supervisor) == resolved_before + 1
    assert ratings(supervisor) == ratings_before + 1
    expect(supervisor.get("dashboard-by-commune-row-00004")).to_be_visible()
    expect(supervisor.get("dashboard-on-time")).to_contain_text("%")
    supervisor.get("dashboard-granularity").select_option("month")
    expect(supervisor.get("dashboard-over-time")).to_contain_text("/20")
    supervisor.assert_accessible()
    supervisor.goto("/vi/staff/audit?action=dossier.receive")
    expect(supervisor.get("staff-audit")).to_contain_text("Ngô Thị Mai")
    supervisor.get("audit-filter-action").select_option("dossier.result_ready")
    expect(supervisor.get("staff-audit").locator("tbody tr").first).to_contain_text("Ngô Thị Mai")


def test_the_camera_reads_the_receipt_qr(playwright: Playwright, base_url: str, tmp_path: Path, open_app) -> None:  # type: ignore[no-untyped-def]
    """Chromium's fake camera plays a video of a receipt's QR code; the scanner opens the dossier."""
    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/queue?status=all")
    first = officer.get("staff-queue").locator("[data-testid^='staff-queue-link-']").first
    code = first.inner_text()
    # The receipt as the desk prints it, and the URL its QR holds.
    officer.page.goto(f"{base_url}/vi/receipts/{code}")
    url = decode_qr(officer.get("receipt-qr").screenshot())
    video = tmp_path / "receipt.y4m"
    write_y4m(video, qr_png(url))

    browser = playwright.chromium.launch(
        executable_path=CHROMIUM if Path(CHROMIUM).exists() else None,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )
    try:
        device = dict(playwright.devices["Galaxy Tab S4"])
        device.pop("default_browser_type", None)
        context = browser.new_context(**device, locale="vi-VN", base_url=base_url, permissions=["camera"])
        context.set_default_timeout(20_000)
        app = AppPage(context.new_page(), base_url)
        sign_in(app, "mai.ngo", next_path="/vi/staff/open")
        app.click("staff-scan-camera")
        app.page.wait_for_url(re.compile(r"/vi/staff/dossiers/"))
        expect(app.get("staff-dossier-code")).to_have_text(code)
        app.settle()
        context.close()
    finally:
        browser.close()


def write_y4m(path: Path, png: bytes, frames: int = 10) -> None:
    """A short 640×480 YUV 4:2:0 video of one image (Chromium loops it as the camera)."""
    code = Image.open(io.BytesIO(png)).convert("RGB")
    canvas = Image.new("RGB", (640, 480), "white")
    code.thumbnail((440, 440))
    canvas.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    planes = y.tobytes() + cb.resize((320, 240)).tobytes() + cr.resize((320, 240)).tobytes()
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


# ---- authorisation ------------------------------------------------------------------------------------


@pytest.fixture
def ba_dinh_code(open_app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A dossier of Phường Ba Đình's queue (the demo seed puts several there)."""
    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/queue?status=all")
    code = officer.get("staff-queue").locator("[data-testid^='staff-queue-link-']").first.inner_text()
    assert BA_DINH_CODE.match(code), code
    yield code


def test_an_officer_of_another_unit_cannot_open_a_ha_noi_dossier(open_app, ba_dinh_code: str) -> None:  # type: ignore[no-untyped-def]
    hcm = open_app("Galaxy Tab S4")
    sign_in(hcm, "hai.trinh", next_path="/vi/staff/queue?status=all")
    expect(hcm.get("staff-queue-count")).not_to_be_empty()
    expect(hcm.get(f"staff-queue-item-{ba_dinh_code}")).to_have_count(0)
    for link in hcm.get("staff-queue").locator("[data-testid^='staff-queue-link-']").all():
        assert ".H79-" in link.inner_text()  # only the Ho Chi Minh City centre's own
    # By typed code.
    hcm.goto("/vi/staff/open")
    hcm.fill("staff-open-code", ba_dinh_code)
    hcm.click("staff-open-submit")
    expect(hcm.get("staff-open-problem")).to_contain_text("đơn vị khác tiếp nhận")
    assert hcm.path.startswith("/vi/staff/open")
    # By address.
    hcm.goto(f"/vi/staff/dossiers/{ba_dinh_code}")
    expect(hcm.get("staff-dossier-other-unit")).to_be_attached()
    expect(hcm.get("staff-problem")).to_contain_text("đơn vị khác tiếp nhận")
    expect(hcm.get("staff-applicant-name")).to_have_count(0)
    # And the files of that dossier are not served to them either (404, as if they did not exist).
    response = hcm.page.request.get(f"{hcm.base_url}/vi/receipts/{ba_dinh_code}")
    assert response.status == 404


def test_supervisor_pages_are_for_supervisors(open_app) -> None:  # type: ignore[no-untyped-def]
    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/dashboard")
    expect(officer.get("staff-denied-message")).to_have_text("Trang này chỉ dành cho lãnh đạo giám sát.")
    expect(officer.get("dashboard-received")).to_have_count(0)
    expect(officer.get("staff-nav-dashboard")).to_have_count(0)
    officer.goto("/vi/staff/audit")
    expect(officer.get("staff-denied")).to_be_visible()
    expect(officer.get("staff-audit")).to_have_count(0)

    supervisor = open_app("desktop")
    sign_in(supervisor, "tung.phan", next_path="/vi/staff/audit?outcome=denied")
    # The officer's refused visits are in the log, for the supervisor to see.
    expect(supervisor.get("staff-audit")).to_contain_text("Ngô Thị Mai")
    expect(supervisor.get("audit-filter-outcome")).to_have_value("denied")
    supervisor.switch_language()
    expect(supervisor.get("staff-page-title")).to_have_text("Audit log")
    # Their workspace offers both supervisor pages, which a counter officer's does not.
    supervisor.goto("/en/staff")
    expect(supervisor.get("staff-link-audit")).to_be_visible()
    supervisor.click("staff-link-dashboard")
    expect(supervisor.get("dashboard-received")).to_be_visible()


# ---- assisted submission -----------------------------------------------------------------------------


def test_assisted_submission_at_the_counter(open_app) -> None:  # type: ignore[no-untyped-def]
    # The citizen has signed in once (the counter only helps people VNeID already knows).
    # (lan.bui, who would suit, is left to test_tracking.py: it counts her notifications.)
    citizen = open_app("Pixel 7")
    sign_in(citizen, "dung.pham", next_path="/vi/")

    officer = open_app("Galaxy Tab S4")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/assist")
    officer.fill("staff-assist-pid", "999999999999")
    officer.click("staff-assist-find")
    expect(officer.get("staff-assist-error")).to_be_visible()
    officer.fill("staff-assist-pid", "031303002961")
    officer.click("staff-assist-find")
    expect(officer.get("staff-assist-name")).to_have_text("Phạm Thị Dung")
    officer.get("staff-assist-procedure").select_option(TEMPORARY_RESIDENCE)
    officer.click("staff-assist-start")
    officer.page.wait_for_url(re.compile(r"/vi/apply/\d+/"))
    if "/applicant" not in officer.path:  # an open draft of an earlier run: from its first step
        officer.goto(re.sub(r"/apply/(\d+)/.*", r"/apply/\1/applicant", officer.path))
    wait_for_page(officer, "applicant")
    # Prefilled from the citizen's profile, not the officer's.
    expect(officer.get("field-full_name")).to_have_value("Phạm Thị Dung")
    expect(officer.get("field-personal_id")).to_have_value("031303002961")
    officer.click("continue")
    wait_for_page(officer, "stay")
    officer.get("field-temporary_address.province_code").select_option("01")
    commune = officer.get("field-temporary_address.commune_code")
    expect(commune.locator('option[value="00004"]')).to_have_count(1)
    commune.select_option("00004")
    officer.fill("field-temporary_address.street", "Số 9 ngõ 46 phố Đội Cấn")
    officer.fill("field-stay_months", "12")
    officer.get("field-residence_basis").select_option("own_home")
    officer.click("continue")
    wait_for_page(officer, "household")
    officer.get("field-declaration").check()
    officer.click("continue")
    wait_for_page(officer, "add-documents")
    officer.click("continue")
    wait_for_page(officer, "check-answers")
    officer.click("continue")
    wait_for_page(officer, "send-application")
    expect(officer.get("fee-due")).to_be_visible()
    officer.click("submit")
    wait_for_page(officer, "application-sent")
    code = officer.get("confirmation-code").inner_text()
    assert BA_DINH_CODE.match(code), code
    expect(officer.get("reusable")).to_have_count(0)  # nothing offered for the citizen's profile

    # The receipt, printable at the desk: received there and then, at the counter.
    officer.click("receipt-link")
    officer.page.wait_for_url(re.compile(r"/vi/receipts/"))
    officer.settle()
    expect(officer.get("receipt-applicant")).to_have_text("Phạm Thị Dung")
    expect(officer.get("receipt-status")).to_have_text("Đã tiếp nhận")
    open_dossier(officer, code)
    status_is(officer, "received")
    expect(officer.get("staff-dossier-channel")).to_have_text("Trực tiếp tại bộ phận một cửa")
    expect(officer.get("staff-timeline")).to_contain_text("Ngô Thị Mai")


def test_the_desk_is_usable_on_a_phone(open_app, ba_dinh_code: str) -> None:  # type: ignore[no-untyped-def]
    """Tablet and desktop first, but an officer on a phone can still find and open an application."""
    phone = open_app("Pixel 7")
    sign_in(phone, "mai.ngo", next_path="/vi/staff/queue?status=all")
    row = phone.get(f"staff-queue-item-{ba_dinh_code}")
    expect(row).to_be_visible()
    link = phone.get(f"staff-queue-link-{ba_dinh_code}")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44, box
    link.click()
    phone.page.wait_for_url(re.compile(r"/vi/staff/dossiers/"))
    expect(phone.get("staff-dossier-code")).to_have_text(ba_dinh_code)
    phone.settle()
    assert phone.page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


# ---- nothing fires by accident ------------------------------------------------------------------------


def test_a_double_tap_is_one_action_every_time(open_app) -> None:  # type: ignore[no-untyped-def]
    """Issue 10, item 0: each staff action double-tapped, the second tap landing wherever the first left
    things; each time exactly one transition. Tablet for one dossier, phone for another."""
    phone = open_app("Pixel 7")
    code = apply_online(phone, "an.nguyen")
    tablet = open_app("Galaxy Tab S4")
    # Staff land on their workspace, not on the citizen home page.
    sign_in(tablet, "mai.ngo", next_path="/vi/")
    assert tablet.path.rstrip("/") == "/vi/staff", tablet.path
    open_dossier(tablet, code)
    status_is(tablet, "submitted")
    count = history(tablet)

    # Receive: a quick second tap must not also start processing (which takes the same spot).
    count = one_transition(tablet, "staff-action-received", to="received", events_before=count, gap_ms=120)
    expect(tablet.get("staff-notice")).to_contain_text("Đã tiếp nhận")
    count = one_transition(tablet, "staff-action-processing", to="processing", events_before=count, gap_ms=400)

    # Ask for more information, double-tapping "send".
    tablet.click("staff-supplement-open")
    tablet.get("staff-supplement-field-phone").check()
    tablet.fill("staff-supplement-message", "Đề nghị cập nhật số điện thoại liên hệ.")
    count = one_transition(tablet, "staff-action-supplement_requested", to="supplement_requested",
                           events_before=count, gap_ms=150)
    phone.goto(f"/vi/applications/{code}")
    phone.fill("field-phone", "0987 654 321")
    phone.click("supplement-submit")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "processing")
    tablet.goto(f"/vi/applications/{code}".replace("/applications/", "/staff/dossiers/"))
    status_is(tablet, "processing")
    count = history(tablet)

    # Move the appointment, double-tapping "set the new date".
    tablet.click("staff-delay-open")
    tablet.fill("staff-delay-date", (date.today() + timedelta(days=90)).isoformat())
    tablet.fill("staff-delay-apology", "Xin lỗi ông/bà, hồ sơ cần xác minh thêm với Công an phường.")
    count = one_transition(tablet, "staff-action-delay", to="processing", events_before=count, gap_ms=300)
    expect(tablet.get("staff-dossier-appointment")).to_contain_text("(")

    # Approve: the double tap only asks; the double tap on "yes" approves once and does not mark the result ready.
    only_asks(tablet, "staff-action-approved", confirm="approved", status="processing", events_before=count,
              gap_ms=120)
    tablet.assert_accessible()
    count = one_transition(tablet, "staff-confirm-yes", to="approved", events_before=count, gap_ms=300)

    # Result ready: nothing for the applicant is refused; a paper result with where and when is accepted.
    only_asks(tablet, "staff-action-result_ready", confirm="result_ready", status="approved", events_before=count,
              gap_ms=300)
    tablet.fill("staff-pickup-place", "")
    tablet.fill("staff-pickup-hours", "")
    tablet.click("staff-confirm-yes")
    expect(tablet.get("staff-confirm-error")).to_contain_text("Hãy đính kèm văn bản kết quả")
    status_is(tablet, "approved")
    tablet.assert_accessible()
    tablet.fill("staff-pickup-place", "Bộ phận một cửa, UBND phường Ba Đình, 25 Liễu Giai")
    tablet.fill("staff-pickup-hours", "Thứ Hai đến Thứ Sáu, 8:00–11:30 và 13:30–17:00")
    count = one_transition(tablet, "staff-confirm-yes", to="result_ready", events_before=count, gap_ms=120)
    expect(tablet.get("staff-timeline")).to_contain_text("25 Liễu Giai")

    # The citizen sees where and when to collect it.
    phone.goto(f"/vi/applications/{code}")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "result_ready")
    expect(phone.get("dossier-result-pickup")).to_contain_text("25 Liễu Giai")
    expect(phone.get("dossier-result-pickup")).to_contain_text("Thứ Hai đến Thứ Sáu, 8:00–11:30")

    # Hand it over.
    one_transition(tablet, "staff-action-returned", to="returned", events_before=count, gap_ms=400)
    expect(tablet.get("staff-no-actions")).to_be_visible()

    # On a phone, another dossier: receive, then reject (asked first, with the reason shown).
    officer = open_app("Pixel 7")
    sign_in(officer, "mai.ngo", next_path="/vi/staff/queue?status=submitted")
    other = officer.get("staff-queue").locator("[data-testid^='staff-queue-link-']").first.inner_text()
    assert other != code
    open_dossier(officer, other)
    count = history(officer)
    count = one_transition(officer, "staff-action-received", to="received", events_before=count, gap_ms=200)
    officer.click("staff-reject-open")
    officer.fill("staff-reject-reason", "Hồ sơ không thuộc thẩm quyền giải quyết của phường.")
    only_asks(officer, "staff-action-rejected", confirm="rejected", status="received", events_before=count,
              gap_ms=150)
    expect(officer.get("staff-confirm-note")).to_have_text("Hồ sơ không thuộc thẩm quyền giải quyết của phường.")
    one_transition(officer, "staff-confirm-yes", to="rejected", events_before=count, gap_ms=300)
    expect(officer.get("staff-rejection-reason")).to_contain_text("không thuộc thẩm quyền")


def test_a_stale_page_is_told_the_dossier_has_moved(open_app) -> None:  # type: ignore[no-untyped-def]
    """Two pages on one dossier: the second still shows the old status; its action is refused, not applied."""
    first = open_app("Galaxy Tab S4")
    sign_in(first, "mai.ngo", next_path="/vi/staff/queue?status=submitted")
    code = first.get("staff-queue").locator("[data-testid^='staff-queue-link-']").first.inner_text()
    open_dossier(first, code)
    second = open_app("desktop")
    sign_in(second, "mai.ngo", next_path=f"/vi/staff/dossiers/{code}")
    status_is(second, "submitted")
    first.click("staff-action-received")
    status_is(first, "received")
    # The second page, still showing "submitted", refuses it at reception.
    second.click("staff-reject-open")
    second.fill("staff-reject-reason", "Sai thẩm quyền.")
    second.click("staff-action-rejected")
    second.click("staff-confirm-yes")
    expect(second.get("staff-problem")).to_contain_text("Hồ sơ đã thay đổi kể từ lúc trang của bạn hiển thị")
    status_is(second, "received")  # and now shows where it stands
    second.assert_accessible()
