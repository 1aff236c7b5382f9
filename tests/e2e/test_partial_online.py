"""Partial online service for a procedure nobody has curated a form for (issue 16, item 1).

A citizen finds the household land-use certificate of the national index on a phone, reads what
"partial" means, applies with the generic form (identity from sign-in, the request in her own
words, a photo of a document), gets a receipt with a code and a QR code, and the counter officer
of her commune receives it on a tablet. A ministry's procedure says where to apply instead.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in
from tests.e2e.test_apply import decode_qr, jpeg, upload, wait_for_page
from tests.e2e.test_staff import BA_DINH_CODE, open_dossier, status_is

LAND_CERTIFICATE = "1.013978"  # "Đăng ký đất đai … cấp Giấy chứng nhận … lần đầu đối với hộ gia đình, cá nhân …"
MINISTRY_LEVEL = "1.000010"  # a ministry's certification of testing facilities
REQUEST = "Tôi đề nghị đăng ký đất đai và cấp Giấy chứng nhận lần đầu cho thửa đất số 12, tờ bản đồ số 5 của gia đình tôi."


def test_a_citizen_applies_online_for_an_index_procedure_and_her_commune_receives_it(open_app) -> None:  # type: ignore[no-untyped-def]
    phone = open_app("Pixel 7")
    phone.goto(f"/vi/services/{LAND_CERTIFICATE}")
    expect(phone.get("service-name")).to_contain_text("Giấy chứng nhận")
    expect(phone.get("service-status")).to_have_text("Dịch vụ công trực tuyến một phần")
    # What "partial" means, said plainly, and where the application goes.
    expect(phone.get("service-partial-means")).to_contain_text("xuất trình bản chính")
    expect(phone.get("service-partial-means")).to_contain_text("nhận kết quả tại bộ phận một cửa")
    expect(phone.get("service-partial-goes-to")).to_contain_text("Ủy ban nhân dân xã, phường nơi bạn sinh sống")
    phone.click("service-apply")
    phone.page.wait_for_url(f"**/vi/services/{LAND_CERTIFICATE}/apply")
    phone.settle()
    expect(phone.get("start-partial")).to_contain_text("dịch vụ công trực tuyến một phần")
    expect(phone.get("start-fee")).to_have_text("Do cơ quan thông báo (nếu có), nộp tại bộ phận một cửa")
    expect(phone.get("start-time")).to_contain_text("cơ quan hẹn ngày trả kết quả khi tiếp nhận")

    sign_in(phone, "an.nguyen", next_path=f"/vi/services/{LAND_CERTIFICATE}/apply")
    phone.click("start-now")
    phone.page.wait_for_url(re.compile(r"/apply/\d+/"))
    if "/applicant" not in phone.path:  # a draft left by an earlier run against the same server
        phone.goto(re.sub(r"/apply/(\d+)/.*", r"/apply/\1/applicant", phone.path))
    wait_for_page(phone, "applicant")
    # Identity from the sign-in: filled and locked.
    expect(phone.get("field-full_name")).to_have_value("Nguyễn Văn An")
    expect(phone.get("field-full_name")).to_have_attribute("readonly", "")
    expect(phone.get("badge-personal_id")).to_have_text("Đã xác thực bởi VNeID")
    phone.click("continue")

    # The request in her own words: required, explained when missing.
    wait_for_page(phone, "your_request")
    phone.fill("field-request", "")
    phone.click("continue")
    expect(phone.get("error-summary")).to_be_visible()
    phone.fill("field-request", REQUEST)
    phone.click("continue")

    wait_for_page(phone, "add-documents")
    upload(phone, "supporting_documents", "so-do-thua-dat.jpg", jpeg())
    expect(phone.get("attachments-supporting_documents").locator("img")).to_be_visible()
    phone.click("continue")

    wait_for_page(phone, "check-answers")
    expect(phone.get("answer-request")).to_have_text(REQUEST)
    expect(phone.get("answer-documents-supporting_documents")).to_contain_text("so-do-thua-dat.jpg")
    phone.click("continue")

    wait_for_page(phone, "send-application")
    # The fee is not known from the index: never "free", the agency says at the counter.
    expect(phone.get("fee-due")).to_contain_text("Cơ quan sẽ thông báo lệ phí (nếu có)")
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    code = phone.get("confirmation-code").inner_text()
    assert BA_DINH_CODE.match(code), code  # her commune, Phường Ba Đình, receives it
    expect(phone.get("receiving-unit")).to_contain_text("Phường Ba Đình")

    # The same receipt as a curated form: code, QR, and honest words where the index says nothing.
    phone.click("receipt-link")
    phone.page.wait_for_url(re.compile(r"/vi/receipts/"))
    phone.settle()
    expect(phone.get("receipt-code")).to_have_text(code)
    expect(phone.get("receipt-fee")).to_have_text("Do cơ quan thông báo (nếu có), nộp tại bộ phận một cửa")
    expect(phone.get("receipt-appointment-provisional")).to_contain_text("cơ quan sẽ xác nhận ngày hẹn")
    url = decode_qr(phone.get("receipt-qr").screenshot())
    assert re.fullmatch(r"https?://[^/]+/v/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+", url), url

    # The counter officer of Phường Ba Đình finds it in the queue, reads the request and receives it.
    tablet = open_app("Galaxy Tab S4")
    sign_in(tablet, "mai.ngo", next_path="/vi/staff/queue?status=submitted")
    expect(tablet.get(f"staff-queue-item-{code}")).to_be_visible()
    open_dossier(tablet, code)
    status_is(tablet, "submitted")
    expect(tablet.get("staff-applicant-name")).to_have_text("Nguyễn Văn An")
    expect(tablet.get("staff-answer-request")).to_have_text(REQUEST)
    tablet.click("staff-action-received")
    status_is(tablet, "received")

    # The citizen follows it.
    phone.goto(f"/vi/applications/{code}")
    expect(phone.get("dossier-status")).to_have_attribute("data-status", "received")


def test_a_ministry_procedure_says_where_to_apply_instead(phone: AppPage) -> None:
    phone.goto(f"/en/services/{MINISTRY_LEVEL}")
    expect(phone.get("service-apply")).to_be_disabled()
    expect(phone.get("service-apply-reason")).to_contain_text("a ministry or a central agency handles it")
    expect(phone.get("service-elsewhere")).to_contain_text("dichvucong.gov.vn")
    expect(phone.get("service-partial")).to_have_count(0)
