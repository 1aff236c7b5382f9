"""Personal data out of text that leaves the app's database: log lines, job errors.

ID numbers (9-digit CMND, 12-digit CCCD), phone numbers (0…, 84…, +84…, grouped or not) and
email addresses are replaced by a marker. Any run of 9–12 digits goes too: a false positive
costs a log reader a number, a false negative leaks a citizen's identity.
"""

from __future__ import annotations

import re

MARK = "[redacted]"

_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    re.compile(r"(?<![\d+])(?:\+84|84|0)[ .-]?\d{2,3}[ .-]?\d{3}[ .-]?\d{3,4}(?!\d)"),
    re.compile(r"\+?(?<!\d)\d{9,12}(?!\d)"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MARK, text)
    return text
