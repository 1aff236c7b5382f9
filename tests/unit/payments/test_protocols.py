"""The providers' wire formats: VietQR (EMVCo, CRC-16/CCITT-FALSE) and the VNPAY v2.1.0 signatures."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import pytest

from citizen_app.core.i18n import VIETNAM_TZ
from citizen_app.core.payments import vietqr, vnpay

REQUEST = vietqr.TransferRequest("970436", "0011001234567", 16_000, "004.00.20.H01-261121-0007", "HS12XAB12CD")


def test_crc_is_ccitt_false() -> None:
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1  # the standard check value


def test_the_vietqr_payload_has_every_napas_field_and_a_valid_crc() -> None:
    text = vietqr.payload(REQUEST)
    assert text.startswith("000201" "010212")
    top = vietqr.parse_fields(text)
    assert top["53"] == "704" and top["54"] == "16000" and top["58"] == "VN"
    account = vietqr.parse_fields(top["38"])
    assert account["00"] == "A000000727" and account["02"] == "QRIBFTTA"
    assert vietqr.parse_fields(account["01"]) == {"00": "970436", "01": "0011001234567"}
    assert vietqr.parse_fields(top["62"])["08"] == "004.00.20.H01-261121-0007"
    assert vietqr.crc_ok(text)
    decoded = vietqr.decode(text)
    assert (decoded.amount_vnd, decoded.reference) == (16_000, "HS12XAB12CD")


def test_a_changed_payload_fails_its_crc() -> None:
    text = vietqr.payload(REQUEST).replace("540516000", "540519000")
    assert not vietqr.crc_ok(text)
    with pytest.raises(vietqr.InvalidPayload):
        vietqr.decode(text)


def test_bad_requests_make_no_payload() -> None:
    with pytest.raises(vietqr.InvalidPayload):
        vietqr.payload(vietqr.TransferRequest("97043", "1", 1, "x", "y"))
    with pytest.raises(vietqr.InvalidPayload):
        vietqr.payload(vietqr.TransferRequest("970436", "1", 0, "x", "y"))


def test_the_webhook_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"amount": 16000}'
    signature = vietqr.webhook_signature("s3cret", body)
    assert vietqr.webhook_signature_ok("s3cret", body, signature)
    assert not vietqr.webhook_signature_ok("s3cret", body + b" ", signature)
    assert not vietqr.webhook_signature_ok("s3cret", body, "")


def test_the_payment_url_is_sorted_signed_and_counts_hundredths() -> None:
    request = vnpay.PaymentRequest(
        tmn_code="TEST1", order_ref="HS1XAB", amount_vnd=16_000, order_info="Thanh toan le phi",
        return_url="https://app.example/vi/pay/return/vnpay", ip_address="10.0.0.1",
        created_at=datetime(2026, 12, 4, 9, 0, tzinfo=VIETNAM_TZ),
    )
    url = vnpay.payment_url("https://gw.example/paymentv2/vpcpay.html", request, "secret")
    params = dict(parse_qsl(urlsplit(url).query))
    keys = [k for k, _ in parse_qsl(urlsplit(url).query)]
    assert keys[:-1] == sorted(keys[:-1]) and keys[-1] == "vnp_SecureHash"
    assert params["vnp_Amount"] == "1600000" and params["vnp_Version"] == "2.1.0"
    assert params["vnp_CreateDate"] == "20261204090000"
    assert len(params["vnp_SecureHash"]) == 128  # SHA-512, hex
    assert vnpay.verify(params, "secret")
    assert not vnpay.verify({**params, "vnp_Amount": "100"}, "secret")
    assert not vnpay.verify(params, "another secret")
    assert vnpay.amount_vnd(params) == 16_000
    assert vnpay.amount_vnd({"vnp_Amount": "1600050"}) is None


def test_the_status_query_is_signed_over_its_piped_fields() -> None:
    now = datetime(2026, 12, 4, 9, 0, tzinfo=VIETNAM_TZ)
    params = vnpay.query_params(
        tmn_code="T", order_ref="HS1", transaction_date=now, now=now, request_id="r1", ip_address="1.2.3.4",
        secret="k",
    )
    text = "|".join(params[f] for f in vnpay.QUERY_REQUEST_FIELDS)
    assert params["vnp_SecureHash"] == vnpay.secure_hash("k", text)
