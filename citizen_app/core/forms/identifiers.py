"""Vietnamese identifiers as the form engine checks them: mobile numbers, personal ID numbers, email.

The rules live with the identity code (``core.identity.contact`` and
``core.identity.personal_id``), so a phone number or ID number is accepted or
refused the same way in a form, on the profile page and at the counter desk.
"""

from __future__ import annotations

from datetime import date

from citizen_app.core.identity.contact import normalize_email, normalize_phone
from citizen_app.core.identity.personal_id import (
    BIRTH_PROVINCE_CODES,
    PersonalIdParts,
    agrees_with,
    normalize_personal_id,
    parse_personal_id,
)

__all__ = [
    "BIRTH_PROVINCE_CODES",
    "PersonalIdParts",
    "normalize_email",
    "normalize_personal_id",
    "normalize_phone",
    "parse_personal_id",
    "personal_id_matches",
]


def personal_id_matches(raw: str, birth_date: date | None = None, sex: str | None = None) -> bool:
    """Whether the number agrees with a date of birth and sex given elsewhere (either may be omitted)."""
    return agrees_with(normalize_personal_id(raw), sex=sex, date_of_birth=birth_date)
