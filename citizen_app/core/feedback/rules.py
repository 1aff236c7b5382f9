"""The rules of a feedback message, as plain functions: subjects, topics, limits, tracking codes, text.

Nothing here touches the database, so the flow's pages, the core and the tests share one
definition of what a valid message is.

* A message is about a **procedure**, an **agency** or a **dossier**, on one **topic**.
* Text is normalised (NFC, no control characters, ``\\n`` line ends) and kept exactly as typed
  otherwise: a ``<script>`` is stored as those characters and every page shows it as text.
* Abuse limits: a title of 5–150 characters, a message of 20–5,000, at most
  :data:`MAX_LINKS` web links.
* The tracking code is random (``PA-XXXX-XXXX``, 40 bits of Crockford base 32), so the
  codes of other people's messages cannot be guessed or walked through; lookups are rate-limited too.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Mapping

from citizen_app.core.i18n import N_, NP_, Msg

SUBJECTS: tuple[str, ...] = ("procedure", "agency", "dossier")
SUBJECT_LABELS: Mapping[str, str] = {
    "procedure": N_("A procedure"),
    "agency": N_("An agency or a one-stop counter"),
    "dossier": N_("An application I sent"),
}
SUBJECT_HINTS: Mapping[str, str] = {
    "procedure": N_("Its rules, documents, fees or forms are unclear or a burden."),
    "agency": N_("How you were received or served, waiting times, the premises."),
    "dossier": N_("You have its application code from the receipt."),
}

TOPICS: tuple[str, ...] = ("conduct", "delay", "fees", "paperwork", "online", "rules", "other")
TOPIC_LABELS: Mapping[str, str] = {
    "conduct": N_("Staff conduct"),
    "delay": N_("Delays and appointments"),
    "fees": N_("Fees and charges"),
    "paperwork": N_("Documents asked for"),
    "online": N_("The online service"),
    "rules": N_("Rules and regulations"),
    "other": N_("Something else"),
}

STATUSES: tuple[str, ...] = ("received", "answered", "declined")
STATUS_LABELS: Mapping[str, str] = {
    "received": N_("Received: the unit is handling it"),
    "answered": N_("Answered"),
    "declined": N_("Not taken up"),
}

TITLE_MIN, TITLE_MAX = 5, 150
CONTENT_MIN, CONTENT_MAX = 20, 5000
PLACE_MAX = 255
NAME_MAX = 200
ANSWER_MIN, ANSWER_MAX = 10, 5000
MAX_LINKS = 3

MSG_CHOOSE_SUBJECT = N_("Choose what your feedback is about")
MSG_CHOOSE_TOPIC = N_("Choose a topic")
MSG_CHOOSE_PROCEDURE = N_("Choose the procedure")
MSG_CHOOSE_PROVINCE = N_("Choose the province or city")
MSG_CHOOSE_COMMUNE = N_("Choose the commune or ward")
MSG_COMMUNE_NOT_IN_PROVINCE = N_("This commune or ward is not in the province you chose")
MSG_ENTER_DOSSIER_CODE = N_("Enter the application code from your receipt")
MSG_ENTER_PID_DIGITS = N_("Enter the last 4 digits of the applicant's personal ID number")
MSG_DOSSIER_NOT_FOUND = N_(
    "We could not find an application with this code and these digits. Check both against your receipt."
)
MSG_TITLE_LENGTH = N_("Give a short title of {min} to {max} characters")
MSG_CONTENT_LENGTH = N_("Describe what happened in {min} to {max} characters")
MSG_PLACE_LENGTH = N_("Describe the place in at most {max} characters")
MSG_TOO_MANY_LINKS = NP_("Include at most {count} web link", "Include at most {count} web links")
MSG_ENTER_NAME = N_("Enter your name")
MSG_NAME_LENGTH = N_("Enter a name of at most {max} characters")
MSG_PHONE_OR_EMAIL = N_("Give a mobile number or an email address, so the unit can reach you")
MSG_PHONE_INVALID = N_("Enter a mobile number like 0912 345 678")
MSG_EMAIL_INVALID = N_("Enter an email address like name@example.com")
MSG_CHOOSE_PUBLISH = N_("Say whether we may publish your feedback and its answer")
MSG_ANSWER_LENGTH = N_("Write an answer of {min} to {max} characters")
MSG_REASON_REQUIRED = N_("Give the reason: the sender will see it")

# --- tracking codes -------------------------------------------------------------------------------------

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_PREFIX = "PA"
_CODE = re.compile(rf"^{CODE_PREFIX}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
# What people misread or mistype when copying a code.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{CODE_PREFIX}-{body[:4]}-{body[4:]}"


def normalize_code(raw: str) -> str | None:
    """``pa 7k3q-9x2m`` → ``PA-7K3Q-9X2M``; None when it cannot be a tracking code."""
    compact = re.sub(r"[\s\-._]", "", (raw or "").upper())[:16]
    if compact.startswith(CODE_PREFIX):
        compact = compact[len(CODE_PREFIX):]
    compact = compact.translate(_LOOKALIKES)
    if len(compact) != 8:
        return None
    code = f"{CODE_PREFIX}-{compact[:4]}-{compact[4:]}"
    return code if _CODE.match(code) else None


# --- text ------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)")


def clean_text(raw: object, *, single_line: bool = False) -> str:
    """NFC, no control or bidirectional-override characters, ``\\n`` line ends, at most one blank line."""
    text = unicodedata.normalize("NFC", str(raw or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if single_line:
        return " ".join(text.split())
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def link_count(text: str) -> int:
    return len(_LINK.findall(text))


def length_problem(text: str, minimum: int, maximum: int, message: str) -> Msg | None:
    if not minimum <= len(text) <= maximum:
        return Msg(message, {"min": minimum, "max": maximum})
    return None


# --- personal data removal -------------------------------------------------------------------------------

REDACTED = "***"
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_DOSSIER_CODE = re.compile(r"\b\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}\b", re.IGNORECASE)
# Phone numbers (+84 / 0…), ID numbers (9 or 12 digits), bank accounts: any run of 8 or more digits,
# spaces, dots or dashes between them allowed.
_LONG_NUMBER = re.compile(r"(?<![\w])\+?\d(?:[\s.\-]?\d){7,}(?![\w])")


def _fold_char(char: str) -> str:
    """One character, lower-cased and without its tone and vowel marks (đ → d): keeps positions."""
    if char in "đĐ":
        return "d"
    return unicodedata.normalize("NFD", char)[0].lower()[:1] or char


def _name_variants(name: str) -> list[str]:
    words = name.split()
    variants = [" ".join(words)] if words else []
    if len(words) >= 3:
        variants.append(" ".join(words[-2:]))  # "Văn An" of "Nguyễn Văn An": how people sign
    return [v for v in variants if len(v) >= 4]


def redact(text: str, names: tuple[str, ...] = ()) -> str:
    """``text`` with emails, phone and ID numbers, dossier codes and the given names replaced by ``***``.

    Names are matched whatever their case and accents (``nguyen van an`` is ``Nguyễn Văn An``).
    A supervisor reads the result before it is published; this is the safety net, not the review.
    """
    out = _EMAIL.sub(REDACTED, text)
    out = _DOSSIER_CODE.sub(REDACTED, out)
    out = _LONG_NUMBER.sub(REDACTED, out)
    for name in sorted({v for n in names for v in _name_variants(clean_text(n, single_line=True))}, key=len,
                       reverse=True):
        folded_text = "".join(_fold_char(c) for c in out)
        folded_name = "".join(_fold_char(c) for c in name)
        pattern = re.compile(rf"(?<!\w){re.escape(folded_name)}(?!\w)")
        spans = [match.span() for match in pattern.finditer(folded_text)]
        for start, end in reversed(spans):
            out = out[:start] + REDACTED + out[end:]
    return out
