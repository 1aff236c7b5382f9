"""Vietnamese mobile numbers and email addresses: what people type, normalised."""

from __future__ import annotations

import re

# Mobile prefixes in use since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_SEPARATORS = re.compile(r"[\s.\-()]")
# Deliberately plain: one @, a dot in the domain, no spaces. Real proof is a confirmation email.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")


def normalize_phone(raw: str) -> str | None:
    """``+84 912 345 678`` / ``84912345678`` / ``0912.345.678`` → ``0912345678``; None when not a mobile."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:].removeprefix("0")  # "+84 0912…" is a common slip
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


def normalize_email(raw: str) -> str | None:
    """Trimmed, domain lower-cased (the local part is case-sensitive by the standard); None when malformed."""
    value = (raw or "").strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        return None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


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
