"""The 12-digit personal identification number (số định danh cá nhân).

Digits 1–3: province (or country) of birth registration, as the pre-2025
statistics code zero-padded (001 Hà Nội … 096 Cà Mau). Digit 4: century and sex
(1900s: male 0, female 1; 2000s: 2/3; 2100s: 4/5 …). Digits 5–6: the last two
digits of the birth year. Digits 7–12: random. There is no public check digit,
so a well-formed number can still be wrong; this only checks the structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

# Pre-2025 province codes used in ID numbers; the 2025 merger did not renumber issued IDs.
BIRTH_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "TP. Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_SHAPE = re.compile(r"^\d{12}$")
Sex = Literal["male", "female"]


@dataclass(frozen=True)
class PersonalIdParts:
    birth_province_code: str
    sex: Sex
    century_start: int  # 1900, 2000, 2100…
    birth_year: int


def normalize_personal_id(raw: str) -> str:
    """Drop the spaces and dots people type between digit groups."""
    return re.sub(r"[\s.\-]", "", raw or "")


def parse_personal_id(value: str, today: date | None = None) -> PersonalIdParts | None:
    """The facts a well-formed number encodes, or None when the structure cannot be real."""
    if not _SHAPE.match(value) or value[:3] not in BIRTH_PROVINCE_CODES:
        return None
    gender_digit = int(value[3])
    if gender_digit > 5:  # 2200s and later: not issued to anyone alive
        return None
    century_start = 1900 + 100 * (gender_digit // 2)
    birth_year = century_start + int(value[4:6])
    if today is not None and birth_year > today.year:
        return None
    return PersonalIdParts(
        birth_province_code=value[:3],
        sex="male" if gender_digit % 2 == 0 else "female",
        century_start=century_start,
        birth_year=birth_year,
    )


def is_valid_personal_id(value: str) -> bool:
    return parse_personal_id(value) is not None


def agrees_with(value: str, *, sex: str | None, date_of_birth: date | None) -> bool:
    """True when the number's century/sex digit and year digits match the person's sex and birth date."""
    parts = parse_personal_id(value)
    if parts is None:
        return False
    if sex is not None and parts.sex != sex:
        return False
    return not (date_of_birth is not None and parts.birth_year != date_of_birth.year)
