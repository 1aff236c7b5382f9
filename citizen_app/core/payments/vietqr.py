"""VietQR bank transfers: the EMVCo merchant-presented QR payload of the NAPAS VietQR standard.

The payload is a list of ``ID LL value`` fields (two-digit id, two-digit length):

====  =========================================================================
00    payload format indicator, ``01``
01    point of initiation: ``11`` static, ``12`` dynamic (one amount, one payment)
38    merchant account information (NAPAS): 00 GUID ``A000000727``; 01 the beneficiary
      (00 the bank's 6-digit BIN, 01 the account number); 02 service ``QRIBFTTA``
      (instant transfer to an account)
53    currency, ISO 4217 numeric: ``704`` (dong)
54    amount, a whole number of dong
58    country ``VN``
62    additional data: 05 reference label (our order reference), 08 purpose (the
      transfer description: the application code)
63    CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) over everything before it,
      including ``6304``; four upper-case hex digits
====  =========================================================================

The bank that receives the transfer notifies a webhook; its JSON body is signed with
HMAC-SHA256 of the raw body (``X-Signature``, hex).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
MAX_VALUE = 99


class InvalidPayload(ValueError):
    pass


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def field(tag: str, value: str) -> str:
    if len(value) > MAX_VALUE:
        raise InvalidPayload(f"field {tag} is longer than {MAX_VALUE} characters")
    return f"{tag}{len(value):02d}{value}"


@dataclass(frozen=True)
class TransferRequest:
    bank_bin: str
    account_number: str
    amount_vnd: int
    description: str  # the application code: what the citizen and the bank see
    reference: str  # our order reference


def _ascii_description(text: str) -> str:
    # Banks carry plain ASCII in a transfer description.
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in " .-"))[:25]


def payload(request: TransferRequest) -> str:
    if not (request.bank_bin.isdigit() and len(request.bank_bin) == 6):
        raise InvalidPayload("the bank BIN has 6 digits")
    if request.amount_vnd <= 0:
        raise InvalidPayload("a dynamic VietQR needs an amount")
    beneficiary = field("00", request.bank_bin) + field("01", request.account_number)
    account = field("00", NAPAS_GUID) + field("01", beneficiary) + field("02", SERVICE_TO_ACCOUNT)
    additional = field("05", request.reference[:25]) + field("08", _ascii_description(request.description))
    body = (
        field("00", "01")
        + field("01", "12")
        + field("38", account)
        + field("53", CURRENCY_VND)
        + field("54", str(request.amount_vnd))
        + field("58", "VN")
        + field("62", additional)
        + "6304"
    )
    return body + f"{crc16_ccitt_false(body.encode('utf-8')):04X}"


def parse_fields(text: str) -> dict[str, str]:
    """One level of ``ID LL value`` fields (nested ones are parsed again by the caller)."""
    found: dict[str, str] = {}
    position = 0
    while position < len(text):
        if position + 4 > len(text):
            raise InvalidPayload("truncated field header")
        tag, length = text[position : position + 2], text[position + 2 : position + 4]
        if not length.isdigit():
            raise InvalidPayload(f"field {tag}: length {length!r} is not a number")
        end = position + 4 + int(length)
        if end > len(text):
            raise InvalidPayload(f"field {tag} runs past the end")
        found[tag] = text[position + 4 : end]
        position = end
    return found


def crc_ok(text: str) -> bool:
    if len(text) < 8 or text[-8:-4] != "6304":
        return False
    return f"{crc16_ccitt_false(text[:-4].encode('utf-8')):04X}" == text[-4:].upper()


@dataclass(frozen=True)
class DecodedTransfer:
    bank_bin: str
    account_number: str
    amount_vnd: int
    currency: str
    description: str
    reference: str


def decode(text: str) -> DecodedTransfer:
    """Read a VietQR payload back (what a banking app does when it scans the code)."""
    if not crc_ok(text):
        raise InvalidPayload("bad CRC")
    top = parse_fields(text)
    account = parse_fields(top.get("38", ""))
    if account.get("00") != NAPAS_GUID:
        raise InvalidPayload("not a NAPAS VietQR")
    beneficiary = parse_fields(account.get("01", ""))
    additional = parse_fields(top.get("62", ""))
    try:
        amount = int(top.get("54", ""))
    except ValueError as problem:
        raise InvalidPayload("no amount") from problem
    return DecodedTransfer(
        bank_bin=beneficiary.get("00", ""),
        account_number=beneficiary.get("01", ""),
        amount_vnd=amount,
        currency=top.get("53", ""),
        description=additional.get("08", ""),
        reference=additional.get("05", ""),
    )


def webhook_signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_signature_ok(secret: str, body: bytes, given: str) -> bool:
    return bool(given) and hmac.compare_digest(given.strip().lower(), webhook_signature(secret, body))
