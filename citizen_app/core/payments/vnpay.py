"""A card/wallet redirect gateway compatible with VNPAY's public API v2.1.0 (pure functions, no I/O).

* Payment URL: the ``vnp_*`` parameters sorted by name, each ``key=quote_plus(value)``, joined
  with ``&``; ``vnp_SecureHash`` is the HMAC-SHA512 of that string with the merchant's secret.
  Amounts are sent times 100 (``vnp_Amount=1600000`` is 16,000 đ).
* Return URL and IPN: the same parameters come back signed the same way (``vnp_SecureHash``
  and ``vnp_SecureHashType`` left out of the signed string). ``vnp_ResponseCode`` and
  ``vnp_TransactionStatus`` ``00`` mean paid; ``24`` is a customer who cancelled.
* IPN answers: ``{"RspCode": "00"|"01"|"02"|"04"|"97"|"99", "Message": …}``.
* ``querydr``: the status query used to reconcile a payment whose IPN was lost, signed over
  the ``|``-joined fields the API names.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from citizen_app.core.i18n import VIETNAM_TZ

VERSION = "2.1.0"
SIGNATURE_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
PAID = "00"
CANCELLED = "24"
# IPN answers (RspCode): what the gateway is told about its notification.
RSP_CONFIRMED = ("00", "Confirm Success")
RSP_ORDER_NOT_FOUND = ("01", "Order not found")
RSP_ALREADY_CONFIRMED = ("02", "Order already confirmed")
RSP_INVALID_AMOUNT = ("04", "Invalid amount")
RSP_INVALID_CHECKSUM = ("97", "Invalid Checksum")
RSP_UNKNOWN_ERROR = ("99", "Unknown error")
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate",
    "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount",
    "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus",
    "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
)


def vnp_time(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in Vietnam time (GMT+7), as the API wants every date."""
    return moment.astimezone(VIETNAM_TZ).strftime("%Y%m%d%H%M%S")


def signed_text(params: Mapping[str, str]) -> str:
    """The string the hash covers: sorted ``key=quote_plus(value)`` pairs, empty values left out."""
    pairs = sorted((k, v) for k, v in params.items() if k.startswith("vnp_") and k not in SIGNATURE_FIELDS and v != "")
    return "&".join(f"{key}={quote_plus(str(value))}" for key, value in pairs)


def secure_hash(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, str], secret: str) -> str:
    return secure_hash(secret, signed_text(params))


def verify(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", ""))
    return bool(given) and hmac.compare_digest(given.lower(), sign(params, secret))


@dataclass(frozen=True)
class PaymentRequest:
    tmn_code: str
    order_ref: str
    amount_vnd: int
    order_info: str
    return_url: str
    ip_address: str
    created_at: datetime
    locale: str = "vn"  # vn | en
    expires_after: timedelta = timedelta(minutes=15)


def payment_params(request: PaymentRequest, secret: str) -> dict[str, str]:
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": request.tmn_code,
        "vnp_Amount": str(request.amount_vnd * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": request.order_ref,
        "vnp_OrderInfo": request.order_info,
        "vnp_OrderType": "other",
        "vnp_Locale": request.locale,
        "vnp_ReturnUrl": request.return_url,
        "vnp_IpAddr": request.ip_address,
        "vnp_CreateDate": vnp_time(request.created_at),
        "vnp_ExpireDate": vnp_time(request.created_at + request.expires_after),
    }
    params["vnp_SecureHash"] = sign(params, secret)
    return params


def payment_url(base_url: str, request: PaymentRequest, secret: str) -> str:
    params = payment_params(request, secret)
    query = signed_text(params) + "&vnp_SecureHash=" + params["vnp_SecureHash"]
    return f"{base_url}?{query}"


def amount_vnd(params: Mapping[str, str]) -> int | None:
    """``vnp_Amount`` back in dong; None when it is not a whole number of dong times 100."""
    try:
        raw = int(str(params.get("vnp_Amount", "")))
    except ValueError:
        return None
    return raw // 100 if raw >= 0 and raw % 100 == 0 else None


def is_paid(params: Mapping[str, str]) -> bool:
    status = params.get("vnp_TransactionStatus", params.get("vnp_ResponseCode"))
    return params.get("vnp_ResponseCode") == PAID and status == PAID


def query_params(
    *, tmn_code: str, order_ref: str, transaction_date: datetime, now: datetime, request_id: str, ip_address: str,
    secret: str,
) -> dict[str, str]:
    params = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": order_ref,
        "vnp_TransactionDate": vnp_time(transaction_date),
        "vnp_CreateDate": vnp_time(now),
        "vnp_IpAddr": ip_address,
        "vnp_OrderInfo": f"Truy van GD {order_ref}",
    }
    params["vnp_SecureHash"] = secure_hash(secret, "|".join(params[f] for f in QUERY_REQUEST_FIELDS))
    return params


def query_response_valid(response: Mapping[str, str], secret: str) -> bool:
    given = str(response.get("vnp_SecureHash", ""))
    expected = secure_hash(secret, "|".join(str(response.get(f, "")) for f in QUERY_RESPONSE_FIELDS))
    return bool(given) and hmac.compare_digest(given.lower(), expected)


def sign_query_response(response: Mapping[str, str], secret: str) -> str:
    """What a gateway (the sandbox) signs its querydr answer with."""
    return secure_hash(secret, "|".join(str(response.get(f, "")) for f in QUERY_RESPONSE_FIELDS))
