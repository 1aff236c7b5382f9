"""The receipt's signed token: ``<base64url code>.<base64url HMAC tag>``, what the QR link carries.

The tag is HMAC-SHA256 over the dossier code (128 bits, truncated as RFC 2104 allows). The key
is ``Settings.receipt_signing_key`` or, when that is empty, 32 random bytes made once in
``Settings.keys_dir`` (mode 600) and shared by every worker process.

It knows codes and settings only, so dossier queries (opening a dossier by its QR) and the
receipt slip (:mod:`citizen_app.core.receipts`) both build on it without importing each other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from citizen_app.core.codes import is_dossier_code, normalize_code_input
from citizen_app.settings import Settings, get_settings

KEY_FILE = "receipt_signing.key"
TAG_BYTES = 16
_DOMAIN = b"citizen-app receipt v1\x00"


def signing_key(settings: Settings | None = None) -> bytes:
    settings = settings or get_settings()
    if settings.receipt_signing_key:
        return settings.receipt_signing_key.encode()
    path = settings.keys_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return bytes.fromhex(path.read_text().strip())


def _create_key_file(path: Path) -> None:
    """Create the key once; concurrent workers race safely (the loser reads the winner's key)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(secrets.token_bytes(32).hex())
    try:
        os.link(temporary, path)  # atomic, and fails if another process made the key first
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(code: str, key: bytes) -> bytes:
    return hmac.new(key, _DOMAIN + code.encode(), hashlib.sha256).digest()[:TAG_BYTES]


def sign_code(code: str, settings: Settings | None = None) -> str:
    if not is_dossier_code(code):
        raise ValueError(f"not a dossier code: {code!r}")
    return f"{_b64(code.encode())}.{_b64(_tag(code, signing_key(settings)))}"


def verify_token(token: str, settings: Settings | None = None) -> str | None:
    """The dossier code a genuine token carries; None for anything tampered, forged or malformed."""
    if not token or len(token) > 200 or token.count(".") != 1:
        return None
    encoded_code, encoded_tag = token.split(".")
    try:
        code = _unb64(encoded_code).decode("ascii")
        tag = _unb64(encoded_tag)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    # Only the canonical spelling: base64 has spare bits, so other strings can decode to the same bytes.
    if _b64(tag) != encoded_tag or _b64(code.encode()) != encoded_code:
        return None
    if not is_dossier_code(code) or code != normalize_code_input(code):
        return None
    expected = _tag(code, signing_key(settings))
    return code if hmac.compare_digest(tag, expected) else None


def verification_url(code: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return f"{settings.public_base_url}/v/{sign_code(code, settings)}"
