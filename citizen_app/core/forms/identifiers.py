"""Vietnamese identifiers: mobile numbers, the 12-digit personal identification number, email.

Kept apart from the form engine because the counter desk (find a citizen by ID
number) and the profile (save a phone number) need the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Pre-2025 statistics codes of the 63 provinces, zero-padded to three digits: the first three digits of
# an ID number record where the birth was registered, so they do not change with the 2025 merger.
BIRTH_PROVINCE_CODES: frozenset[str] = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38,
        40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80,
        82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)

# Digit 4: century and sex (Circular 59/2021/TT-BCA). Even = male, odd = female.
_CENTURY_BY_DIGIT = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100}

# Vietnamese mobile prefixes after the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_PHONE_NOISE = re.compile(r"[\s.\-()]")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def normalize_phone(raw: str) -> str | None:
    """``+84 912 345 678``, ``84912345678``, ``0912.345.678`` → ``0912345678``; None if not a mobile."""
    compact = _PHONE_NOISE.sub("", raw.strip())
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        compact = "0" + compact[2:]
    return compact if _MOBILE.match(compact) else None


def normalize_email(raw: str) -> str | None:
    value = raw.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        return None
    local, _, domain = value.rpartition("@")
    if len(local) > 64 or ".." in local or local.startswith(".") or local.endswith("."):
        return None
    # The domain part is case-insensitive; the local part formally is not, so it is kept as typed.
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class PersonalIdInfo:
    province_code: str
    birth_year: int
    sex: str  # "male" | "female"


def parse_personal_id(raw: str, today: date | None = None) -> PersonalIdInfo | None:
    """Decode a 12-digit number, or None when its structure cannot be real.

    There is no public check digit, so this catches typos in the structured part
    only: an unknown province, a century digit above 5, a birth year in the future.
    """
    value = raw.strip().replace(" ", "")
    if len(value) != 12 or not value.isdigit():
        return None
    province = value[:3]
    if province not in BIRTH_PROVINCE_CODES:
        return None
    digit = int(value[3])
    if digit not in _CENTURY_BY_DIGIT:
        return None
    year = _CENTURY_BY_DIGIT[digit] + int(value[4:6])
    if today is not None and year > today.year:
        return None
    return PersonalIdInfo(province_code=province, birth_year=year, sex="male" if digit % 2 == 0 else "female")


def personal_id_matches(raw: str, birth_date: date | None = None, sex: str | None = None) -> bool:
    """Whether the number agrees with a date of birth and sex given elsewhere (either may be omitted)."""
    info = parse_personal_id(raw)
    if info is None:
        return False
    if birth_date is not None and info.birth_year != birth_date.year:
        return False
    return not (sex is not None and info.sex != sex)
