"""Vietnamese mobile numbers and email addresses: what people type, normalised."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str) -> str | None:
    """``+84 912 345 678`` / ``84912345678`` / ``0912.345.678`` → ``0912345678``; None when not a mobile."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:].removeprefix("0")  # "+84 0912…" is a common slip
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


def normalize_email(raw: str) -> str | None:
    """Trimmed and normalised by email-validator (domain lower-cased, IDNA); None when not an address.

    The syntax rules of RFC 5322/6531 are email-validator's, not a hand-written pattern. No DNS
    look-up (the real proof is a confirmation email); quoted local parts, IP-address domains,
    special-use domains (``localhost``, ``.invalid``…) and non-ASCII local parts, which many mail
    servers cannot deliver to, are refused.
    """
    value = (raw or "").strip()
    if not value or len(value) > 254:
        return None
    try:
        checked = validate_email(
            value,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            strict=True,  # also the length limits of RFC 5321 (64 before the @)
        )
    except EmailNotValidError:
        return None
    return checked.normalized


def phone_or_none(raw: str | None) -> str | None:
    return normalize_phone(raw) if raw else None


def email_or_none(raw: str | None) -> str | None:
    return normalize_email(raw) if raw else None


def mask_phone(value: str | None) -> str | None:
    """``0912345678`` → ``091*****78``: enough to tell numbers apart in the audit trail."""
    if not value:
        return value
    return value[:3] + "*" * max(len(value) - 5, 0) + value[-2:]


def mask_email(value: str | None) -> str | None:
    """``an.nguyen@example.vn`` → ``a***@example.vn``."""
    if not value or "@" not in value:
        return value
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"
