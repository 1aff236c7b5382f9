"""Paying a fee on a phone (issue 11): a mother registers a birth with 2 certified copies, sees the fee
broken down, pays by the gateway sandbox, then in a second application by VietQR through the sandbox
bank. The VietQR image is read by an independent decoder (zbar) and its payload is checked here, field
by field and with its CRC, by code written for this test (not the app's). Both dossiers leave
"awaiting payment" for the agency, and both electronic fee receipts show the amounts paid.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import quote

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.kit import AppPage, sign_in

BIRTH = "1.001193"
MOTHER = "binh.tran"  # Trần Thị Bình, level 2, TP. Hồ Chí Minh
STEP_URL = r"/vi/apply/(\d+)/{page}(\?.*)?$"
COPY_FEE = 8_000


def decode_qr(png: bytes) -> str:
    """An independent decoder (zbar), not the library that drew the code."""
    from pyzbar.pyzbar import ZBarSymbol, decode

    symbols = decode(Image.open(io.BytesIO(png)), symbols=[ZBarSymbol.QRCODE])
    assert len(symbols) == 1, f"found {len(symbols)} QR codes"
    return symbols[0].data.decode("utf-8")


def emv_fields(text: str) -> dict[str, str]:
    """EMVCo ``ID LL value`` fields, one level."""
    fields, at = {}, 0
    while at < len(text):
        tag, length = text[at : at + 2], int(text[at + 2 : at + 4])
        fields[tag] = text[at + 4 : at + 4 + length]
        at += 4 + length
    return fields


def crc_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(out, "JPEG", quality=85)
    return out.getvalue()


def wait_for_page(app: AppPage, page: str) -> None:
    app.page.wait_for_url(re.compile(STEP_URL.format(page=re.escape(page))), wait_until="commit")
    expect(app.get("procedure-name")).not_to_be_empty()
    app.settle()


def register_birth(phone: AppPage, child: str, copies: int) -> str:
    """Apply for a birth registration with ``copies`` certified copies; stop on the sent page; the code."""
    phone.goto(f"/vi/services/{BIRTH}/apply")
    phone.click("start-now")
    phone.page.wait_for_url(re.compile(r"/apply/\d+/"))
    if "/applicant" not in phone.path:  # a draft left open by an earlier run: from its first step
        phone.goto(re.sub(r"/apply/(\d+)/.*", r"/apply/\1/applicant", phone.path))
    wait_for_page(phone, "applicant")
    phone.get("field-relationship").select_option("mother")
    phone.click("continue")

    wait_for_page(phone, "child")
    phone.fill("field-child_full_name", child)
    phone.get("field-child_sex-female").check()
    phone.fill("field-child_birth_date", (date.today() - timedelta(days=10)).isoformat())
    phone.fill("field-place_of_birth", "Bệnh viện Từ Dũ")
    phone.fill("field-ethnicity", "Kinh")
    phone.fill("field-home_town", "Phường Sài Gòn, Thành phố Hồ Chí Minh")
    phone.click("continue")

    wait_for_page(phone, "parents")
    # Her own details come from her verified identity when she is the mother (issue 12): locked, not typed.
    for testid, text in (
        ("field-mother_full_name", "Trần Thị Bình"),
        ("field-mother_personal_id", "079192003518"),
        ("field-mother_birth_date", "1992-07-02"),
    ):
        field = phone.get(testid)
        if field.is_editable() and not field.input_value():
            field.fill(text)
    phone.get("field-father_known-no").check()
    phone.click("continue")

    wait_for_page(phone, "result")
    phone.fill("field-copies", str(copies))
    phone.get("field-delivery-electronic").check()
    phone.get("field-declaration").check()
    phone.click("continue")

    wait_for_page(phone, "add-documents")
    if phone.get("attachments-birth_certificate").locator("img").count() == 0:
        phone.get("attachment-input-birth_certificate").set_input_files(
            files=[{"name": "giay-chung-sinh.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
        )
        expect(phone.get("attachments-birth_certificate").locator("img")).to_be_visible()
    phone.click("continue")

    # Check your answers: the fee from these answers, line by line.
    wait_for_page(phone, "check-answers")
    expect(phone.get("answer-copies")).to_have_text(str(copies))
    line = phone.get("fee-breakdown-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(f"Bản sao Giấy khai sinh: {copies} × 8.000")
    expect(phone.get("fee-breakdown-total")).to_have_text(f"{copies * COPY_FEE:,}".replace(",", ".") + "\u00a0đ")
    phone.click("continue")

    wait_for_page(phone, "send-application")
    expect(phone.get("fee-breakdown-total")).to_contain_text(f"{copies * COPY_FEE:,}".replace(",", "."))
    expect(phone.get("fee-due")).to_contain_text("thanh toán trực tuyến")
    phone.click("submit")
    wait_for_page(phone, "application-sent")
    expect(phone.get("fee-breakdown-total")).to_contain_text(f"{copies * COPY_FEE:,}".replace(",", "."))
    return phone.get("confirmation-code").inner_text()


def open_payment(phone: AppPage, code: str) -> None:
    phone.click("pay-now")
    phone.page.wait_for_url(re.compile(rf"/vi/pay/{re.escape(code)}$"))
    phone.settle()
    expect(phone.get("pay-status")).to_contain_text("Chờ thanh toán")


def check_fee_receipt(phone: AppPage, code: str, amount: str, method: str) -> None:
    phone.click("pay-fee-receipt")
    phone.page.wait_for_url(re.compile(rf"/vi/receipts/{re.escape(code)}/fee$"))
    phone.settle()
    expect(phone.get("fee-receipt-number")).to_have_text(re.compile(r"^BL\d{2}-.+-\d{6}$"))
    expect(phone.get("fee-receipt-code")).to_have_text(code)
    expect(phone.get("fee-receipt-amount")).to_have_text(amount)
    expect(phone.get("fee-receipt-fee-total")).to_have_text(amount)
    expect(phone.get("fee-receipt-method")).to_have_text(method)
    expect(phone.get("fee-receipt-payer")).to_have_text("Trần Thị Bình")


def test_a_mother_pays_birth_certificate_copies_by_gateway_then_by_vietqr(open_app) -> None:  # type: ignore[no-untyped-def]
    phone = open_app("Pixel 7")
    sign_in(phone, MOTHER, next_path=f"/vi/services/{BIRTH}/apply")

    # --- First application: 2 copies, paid through the card gateway (sandbox). ---------------------
    first = register_birth(phone, "Nguyễn Thị Mai Anh", 2)
    expect(phone.get("pay-now")).to_be_visible()
    open_payment(phone, first)
    expect(phone.get("pay-fee-line")).to_contain_text("2 × 8.000")
    expect(phone.get("pay-fee-total")).to_have_text("16.000\u00a0đ")
    phone.click("pay-with-vnpay")
    phone.page.wait_for_url(re.compile(r"/sandbox/gateway/paymentv2/vpcpay\.html\?.*vnp_SecureHash="))
    expect(phone.get("gateway-sandbox-banner")).to_contain_text("THỬ NGHIỆM")
    expect(phone.get("gateway-amount")).to_have_text("16.000\u00a0đ")
    assert "vnp_Amount=1600000" in phone.page.url  # the gateway's amount is in hundredths
    phone.click("gateway-approve")
    phone.page.wait_for_url(re.compile(rf"/vi/pay/{re.escape(first)}\?result=paid$"))
    phone.settle()
    expect(phone.get("pay-message")).to_contain_text("Đã nhận thanh toán")
    expect(phone.get("pay-status")).to_contain_text("Đã nộp")
    expect(phone.get("pay-with-vnpay")).to_have_count(0)
    check_fee_receipt(phone, first, "16.000\u00a0đ", "Thẻ hoặc ví điện tử (VNPAY)")

    # The dossier receipt shows the fee line by line too.
    phone.goto(f"/vi/receipts/{quote(first)}")
    expect(phone.get("receipt-fee-lines")).to_contain_text("Bản sao Giấy khai sinh: 2 × 8.000")
    expect(phone.get("receipt-status")).to_have_text("Đã nộp")

    # --- Second application: 1 copy, paid by VietQR through the sandbox bank. ------------------------
    second = register_birth(phone, "Nguyễn Văn Minh", 1)
    assert second != first
    open_payment(phone, second)
    phone.click("pay-with-vietqr")
    phone.page.wait_for_url(re.compile(rf"/vi/pay/{re.escape(second)}/vietqr$"))
    phone.settle()
    expect(phone.get("vietqr-amount")).to_have_text("8.000\u00a0đ")
    payload = decode_qr(phone.get("vietqr-image").screenshot())

    # The payload, read field by field: NAPAS VietQR, dynamic, the account, the exact amount, the code.
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == crc_ccitt_false(payload[:-4].encode("utf-8")), "CRC-16/CCITT-FALSE"
    top = emv_fields(payload)
    assert top["00"] == "01" and top["01"] == "12"
    assert (top["53"], top["54"], top["58"]) == ("704", "8000", "VN")
    merchant = emv_fields(top["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    beneficiary = emv_fields(merchant["01"])
    assert re.fullmatch(r"\d{6}", beneficiary["00"])
    assert beneficiary["01"] == phone.get("vietqr-account").inner_text()
    assert emv_fields(top["62"])["08"] == second  # the application code in the transfer description

    # The citizen's banking app (the sandbox bank) scans it and transfers.
    phone.page.goto(f"{phone.base_url}/sandbox/bank/?payload={quote(payload)}")
    expect(phone.get("bank-sandbox-banner")).to_contain_text("THỬ NGHIỆM")
    expect(phone.get("bank-amount")).to_have_text("8.000\u00a0đ")
    expect(phone.get("bank-description")).to_have_text(second)
    phone.click("bank-approve")
    expect(phone.get("bank-done")).to_be_visible()

    phone.goto(f"/vi/pay/{quote(second)}")
    expect(phone.get("pay-status")).to_contain_text("Đã nộp")
    check_fee_receipt(phone, second, "8.000\u00a0đ", "Chuyển khoản qua VietQR")

    # Both dossiers have left "awaiting payment": they are in the agency's hands.
    phone.goto("/vi/applications")
    for code in (first, second):
        expect(phone.get(f"applications-status-{code}")).to_have_text("Đã nộp")

    # The fee receipt is kept on the phone like the dossier receipt: it opens without a connection.
    fee_receipt = f"/vi/receipts/{quote(second)}/fee"
    phone.page.context.set_offline(True)
    try:
        phone.page.goto(phone.base_url + fee_receipt)
        expect(phone.get("fee-receipt-amount")).to_have_text("8.000\u00a0đ")
    finally:
        phone.page.context.set_offline(False)


def test_cancelling_at_the_gateway_and_a_tampered_return_change_nothing(open_app) -> None:  # type: ignore[no-untyped-def]
    phone = open_app("Pixel 7")
    sign_in(phone, MOTHER, next_path=f"/vi/services/{BIRTH}/apply")
    code = register_birth(phone, "Nguyễn Thị Hoa", 1)
    open_payment(phone, code)
    phone.click("pay-with-vnpay")
    phone.page.wait_for_url(re.compile(r"/sandbox/gateway/paymentv2/vpcpay\.html"))
    gateway_url = phone.page.url

    # A tampered amount on the way to the gateway: it refuses to take the payment.
    phone.page.goto(gateway_url.replace("vnp_Amount=800000", "vnp_Amount=100"))
    expect(phone.get("gateway-invalid")).to_be_visible()

    phone.page.goto(gateway_url)
    with phone.page.expect_request(re.compile(r"/vi/pay/return/vnpay\?")) as returned:
        phone.click("gateway-cancel")
    phone.page.wait_for_url(re.compile(rf"/vi/pay/{re.escape(code)}\?result=cancelled$"))
    phone.settle()
    expect(phone.get("pay-message")).to_contain_text("Bạn đã hủy thanh toán")
    expect(phone.get("pay-status")).to_contain_text("Chờ thanh toán")
    expect(phone.get("pay-with-vnpay")).to_be_visible()

    # The same return URL with its amount changed after signing: refused, still awaiting payment.
    assert "vnp_Amount=800000" in returned.value.url
    phone.page.goto(returned.value.url.replace("vnp_Amount=800000", "vnp_Amount=100"))
    phone.page.wait_for_url(re.compile(rf"/vi/pay/{re.escape(code)}\?result=tampered$"))
    phone.settle()
    expect(phone.get("pay-message")).to_contain_text("Không xác thực được")
    expect(phone.get("pay-status")).to_contain_text("Chờ thanh toán")


def test_an_officer_records_a_cash_payment_at_the_counter(open_app) -> None:  # type: ignore[no-untyped-def]
    """A Ba Đình mother applies online and pays in cash at the counter: the officer records the receipt number,
    the dossier moves on as after an online payment, and her electronic fee receipt shows the counter receipt.
    A second tab of the desk that still shows the form is told the fee is already paid."""
    phone = open_app("Pixel 7")
    sign_in(phone, "thu.dang", next_path=f"/vi/services/{BIRTH}/apply")
    code = register_birth(phone, "Đặng Minh Khôi", 1)
    desk_path = f"/vi/staff/dossiers/{quote(code)}"

    tablet = open_app("Galaxy Tab S4")
    sign_in(tablet, "mai.ngo", next_path=desk_path)
    expect(tablet.get("staff-dossier")).to_have_attribute("data-status", "awaiting_payment")
    second_tab = open_app("desktop")
    sign_in(second_tab, "mai.ngo", next_path=desk_path)
    expect(second_tab.get("staff-payment")).to_be_visible()

    expect(tablet.get("staff-payment-amount")).to_have_text("8.000\u00a0đ")
    expect(tablet.get("staff-payment-method-cash")).to_be_checked()
    # A number that cannot be a receipt's: said next to the field, nothing recorded.
    tablet.fill("staff-payment-receipt", "không có số")
    tablet.click("staff-payment-record")
    expect(tablet.get("staff-payment-error")).to_contain_text("Số biên lai gồm chữ và số")
    expect(tablet.get("staff-dossier")).to_have_attribute("data-status", "awaiting_payment")

    tablet.fill("staff-payment-receipt", "aa/26p 0001234")
    tablet.click("staff-payment-record")
    expect(tablet.get("staff-notice")).to_contain_text("Đã ghi nhận khoản nộp")
    expect(tablet.get("staff-dossier")).to_have_attribute("data-status", "submitted")
    expect(tablet.get("staff-dossier-status")).to_have_text("Đã nộp")
    expect(tablet.get("staff-payment")).to_have_count(0)
    expect(tablet.get("staff-dossier-payment")).to_have_text(
        re.compile(r"^Đã thanh toán · Tiền mặt tại bộ phận một cửa · BL\d{2}-.+-\d{6}$"))
    timeline = tablet.get("staff-timeline")
    expect(timeline).to_contain_text("Tiền mặt tại bộ phận một cửa, 8.000\u00a0đ, biên lai số AA/26P 0001234")
    expect(timeline).to_contain_text("Ngô Thị Mai (Cán bộ một cửa)")
    tablet.assert_accessible()

    # The other tab still shows the form: recording again is refused, and nothing is credited twice.
    second_tab.fill("staff-payment-receipt", "0001235")
    second_tab.click("staff-payment-record")
    expect(second_tab.get("staff-problem")).to_contain_text("đã được nộp")
    expect(second_tab.get("staff-payment")).to_have_count(0)
    expect(second_tab.get("staff-dossier")).to_have_attribute("data-status", "submitted")

    # The citizen: the application is with the agency, and the fee receipt names the counter receipt.
    phone.goto(f"/vi/pay/{quote(code)}")
    expect(phone.get("pay-status")).to_contain_text("Đã nộp")
    phone.click("pay-fee-receipt")
    phone.page.wait_for_url(re.compile(rf"/vi/receipts/{re.escape(code)}/fee$"))
    phone.settle()
    expect(phone.get("fee-receipt-amount")).to_have_text("8.000\u00a0đ")
    expect(phone.get("fee-receipt-method")).to_have_text("Tiền mặt tại bộ phận một cửa")
    expect(phone.get("fee-receipt-transaction")).to_have_text("AA/26P 0001234")
    expect(phone.get("fee-receipt-number")).to_have_text(re.compile(r"^BL\d{2}-.+-\d{6}$"))
