"""Demo accounts of the sandbox provider. Everyone's password is ``demo1234`` (docs/identity.md).

The people are invented. Their ID numbers follow the real structure and agree
with their sex and birth year; their addresses use real post-2025 province and
commune codes (General Statistics Office, in force since 1 July 2025).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEMO_PASSWORD = "demo1234"
# PBKDF2 of the shared demo password, so the module never compares plain text.
_SALT = b"vneid-sandbox-demo"
_ITERATIONS = 100_000
_PASSWORD_HASH = hashlib.pbkdf2_hmac("sha256", DEMO_PASSWORD.encode(), _SALT, _ITERATIONS)
# Subjects are stable across restarts and machines: derived from the ID number, opaque to clients.
_SUBJECT_NAMESPACE = uuid.UUID("5b0c1f3e-6f0b-4c8e-9d4e-2a7c0b1d9e01")


@dataclass(frozen=True)
class DemoAddress:
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    street: str

    def claim(self) -> dict[str, str]:
        return {
            "province_code": self.province_code,
            "province_name": self.province_name,
            "commune_code": self.commune_code,
            "commune_name": self.commune_name,
            "street": self.street,
        }

    def formatted(self) -> str:
        return f"{self.street}, {self.commune_name}, {self.province_name}"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    personal_id: str
    family_name: str
    middle_name: str
    given_name: str
    birthdate: date
    gender: str  # "male" | "female"
    place_of_origin: str
    permanent_address: DemoAddress
    phone: str
    email: str | None
    level: int  # VNeID identity level, 1 or 2
    roles: tuple[str, ...] = ("citizen",)
    unit_level: str | None = None  # "commune" | "province" for staff
    unit_code: str | None = None
    unit_name: str | None = None
    note: dict[str, str] = field(default_factory=dict)  # what the account is for, {vi, en}

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.family_name, self.middle_name, self.given_name) if part)

    @property
    def subject(self) -> str:
        return str(uuid.uuid5(_SUBJECT_NAMESPACE, self.personal_id))

    @property
    def acr(self) -> str:
        return f"urn:vneid:loa:{self.level}"

    @property
    def is_staff(self) -> bool:
        return any(role != "citizen" for role in self.roles)

    def claims_for(self, scopes: set[str]) -> dict[str, Any]:
        """The claims released for these scopes (OIDC Core §5.4 plus the VNeID-style extras)."""
        claims: dict[str, Any] = {"sub": self.subject}
        if "profile" in scopes:
            claims.update(
                name=self.name,
                family_name=self.family_name,
                middle_name=self.middle_name,
                given_name=self.given_name,
                preferred_username=self.username,
                locale="vi",
                roles=list(self.roles),
            )
            if self.unit_level:
                claims.update(unit_level=self.unit_level, unit_code=self.unit_code, unit_name=self.unit_name)
        if "vneid_identity" in scopes:
            claims.update(
                personal_id=self.personal_id,
                birthdate=self.birthdate.isoformat(),
                gender=self.gender,
                place_of_origin=self.place_of_origin,
                permanent_address=self.permanent_address.claim(),
                vneid_level=self.level,
            )
        if "phone" in scopes:
            claims.update(phone_number=self.phone, phone_number_verified=True)
        if "email" in scopes and self.email:
            claims.update(email=self.email, email_verified=False)
        if "address" in scopes:
            claims["address"] = {
                "formatted": self.permanent_address.formatted(),
                "street_address": self.permanent_address.street,
                "locality": self.permanent_address.commune_name,
                "region": self.permanent_address.province_name,
                "country": "VN",
            }
        return claims


def _address(province: tuple[str, str], commune: tuple[str, str], street: str) -> DemoAddress:
    return DemoAddress(province[0], province[1], commune[0], commune[1], street)


HA_NOI = ("01", "Thành phố Hà Nội")
HO_CHI_MINH = ("79", "Thành phố Hồ Chí Minh")
DA_NANG = ("48", "Thành phố Đà Nẵng")
HAI_PHONG = ("31", "Thành phố Hải Phòng")
NGHE_AN = ("40", "Nghệ An")
CAN_THO = ("92", "Thành phố Cần Thơ")
HUE = ("46", "Thành phố Huế")

BA_DINH = ("00004", "Phường Ba Đình")

ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        username="an.nguyen",
        personal_id="001085004217",  # 001 Hà Nội, 0 = male 1900s, 85
        family_name="Nguyễn", middle_name="Văn", given_name="An",
        birthdate=date(1985, 3, 14), gender="male",
        place_of_origin="Xã Kim Liên, Nghệ An",
        permanent_address=_address(HA_NOI, BA_DINH, "Số 12 phố Đội Cấn"),
        phone="0912345678", email="an.nguyen@example.vn", level=2,
        note={"vi": "Công dân mức 2, thường trú tại Phường Ba Đình", "en": "Level 2 citizen in Ba Đình ward"},
    ),
    DemoAccount(
        username="binh.tran",
        personal_id="079192003518",  # 079 TP.HCM, 1 = female 1900s, 92
        family_name="Trần", middle_name="Thị", given_name="Bình",
        birthdate=date(1992, 7, 2), gender="female",
        place_of_origin="Phường Sài Gòn, Thành phố Hồ Chí Minh",
        permanent_address=_address(HO_CHI_MINH, ("26740", "Phường Sài Gòn"), "45 đường Lê Thánh Tôn"),
        phone="0903123456", email="binh.tran@example.vn", level=2,
        note={"vi": "Công dân mức 2, TP. Hồ Chí Minh", "en": "Level 2 citizen, Ho Chi Minh City"},
    ),
    DemoAccount(
        username="cuong.le",
        personal_id="048201006734",  # 048 Đà Nẵng, 2 = male 2000s, 01
        family_name="Lê", middle_name="Hoàng", given_name="Cường",
        birthdate=date(2001, 11, 23), gender="male",
        place_of_origin="Phường Hải Châu, Thành phố Đà Nẵng",
        permanent_address=_address(DA_NANG, ("20242", "Phường Hải Châu"), "78 đường Bạch Đằng"),
        phone="0935246810", email=None, level=1,
        note={"vi": "Công dân mức 1 (chưa xác thực trực tiếp)", "en": "Level 1 citizen (not seen in person)"},
    ),
    DemoAccount(
        username="dung.pham",
        personal_id="031303002961",  # 031 Hải Phòng, 3 = female 2000s, 03
        family_name="Phạm", middle_name="Thị", given_name="Dung",
        birthdate=date(2003, 5, 9), gender="female",
        place_of_origin="Xã Vũ Thư, Hưng Yên",
        permanent_address=_address(HAI_PHONG, ("11383", "Phường Lê Chân"), "Số 5 ngõ 120 phố Cát Cụt"),
        phone="0868135790", email="dung.pham@example.vn", level=2,
        note={"vi": "Công dân mức 2, sinh năm 2003", "en": "Level 2 citizen born in 2003"},
    ),
    DemoAccount(
        username="duc.hoang",
        personal_id="040078005182",  # 040 Nghệ An, 0 = male 1900s, 78
        family_name="Hoàng", middle_name="Minh", given_name="Đức",
        birthdate=date(1978, 1, 30), gender="male",
        place_of_origin="Xã Kim Liên, Nghệ An",
        permanent_address=_address(NGHE_AN, ("16681", "Phường Thành Vinh"), "Số 21 đường Nguyễn Du"),
        phone="0388765432", email="duc.hoang@example.vn", level=1,
        note={"vi": "Công dân mức 1, Nghệ An", "en": "Level 1 citizen, Nghệ An"},
    ),
    DemoAccount(
        username="nhung.vo",
        personal_id="092169001847",  # 092 Cần Thơ, 1 = female 1900s, 69
        family_name="Võ", middle_name="Thị Hồng", given_name="Nhung",
        birthdate=date(1969, 9, 17), gender="female",
        place_of_origin="Phường Ninh Kiều, Thành phố Cần Thơ",
        permanent_address=_address(CAN_THO, ("31135", "Phường Ninh Kiều"), "Số 9 đường Hai Bà Trưng"),
        phone="0779112233", email=None, level=2,
        note={"vi": "Công dân mức 2, Cần Thơ", "en": "Level 2 citizen, Cần Thơ"},
    ),
    DemoAccount(
        username="lan.bui",
        personal_id="034155000926",  # 034 Thái Bình, 1 = female 1900s, 55
        family_name="Bùi", middle_name="Thị", given_name="Lan",
        birthdate=date(1955, 12, 1), gender="female",
        place_of_origin="Xã Vũ Thư, Hưng Yên",
        permanent_address=_address(HA_NOI, BA_DINH, "Số 3 ngõ 46 phố Đội Cấn"),
        phone="0977001122", email=None, level=1,
        note={
            "vi": "Người cao tuổi, mức 1, thường trú tại Phường Ba Đình",
            "en": "Older citizen, level 1, living in Ba Đình ward",
        },
    ),
    # --- life events (issue 12): a new mother, the deceased's relative is lan.bui ---
    DemoAccount(
        username="thu.dang",
        personal_id="001195008826",  # 001 Hà Nội, 1 = female 1900s, 95
        family_name="Đặng", middle_name="Thị", given_name="Thu",
        birthdate=date(1995, 10, 3), gender="female",
        place_of_origin="Xã Kim Liên, Nghệ An",
        permanent_address=_address(HA_NOI, BA_DINH, "Số 12 phố Đội Cấn"),
        phone="0987650011", email="thu.dang@example.vn", level=2,
        note={
            "vi": "Công dân mức 2, vừa sinh con (vợ của an.nguyen), Phường Ba Đình",
            "en": "Level 2 citizen who has just had a baby (an.nguyen's wife), Ba Đình ward",
        },
    ),
    DemoAccount(
        username="mai.ngo",
        personal_id="001188007345",  # 001 Hà Nội, 1 = female 1900s, 88
        family_name="Ngô", middle_name="Thị", given_name="Mai",
        birthdate=date(1988, 4, 21), gender="female",
        place_of_origin="Phường Ba Đình, Thành phố Hà Nội",
        permanent_address=_address(HA_NOI, ("00166", "Phường Cầu Giấy"), "Số 88 đường Trần Thái Tông"),
        phone="0983456789", email="mai.ngo@badinh.example.vn", level=2,
        roles=("counter_officer",), unit_level="commune", unit_code="00004",
        unit_name="Trung tâm Phục vụ hành chính công Phường Ba Đình",
        note={"vi": "Cán bộ một cửa cấp xã (Phường Ba Đình)", "en": "Commune counter officer (Ba Đình ward)"},
    ),
    DemoAccount(
        username="hai.trinh",
        personal_id="079082004471",  # 079 TP.HCM, 0 = male 1900s, 82
        family_name="Trịnh", middle_name="Văn", given_name="Hải",
        birthdate=date(1982, 8, 8), gender="male",
        place_of_origin="Phường Bến Thành, Thành phố Hồ Chí Minh",
        permanent_address=_address(HO_CHI_MINH, ("26743", "Phường Bến Thành"), "120 đường Lê Lợi"),
        phone="0908765123", email="hai.trinh@hcm.example.vn", level=2,
        roles=("counter_officer",), unit_level="province", unit_code="79",
        unit_name="Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        note={
            "vi": "Cán bộ một cửa cấp tỉnh (TP. Hồ Chí Minh)",
            "en": "Province centre counter officer (Ho Chi Minh City)",
        },
    ),
    # Issue 12, reception without boundaries: the counter next door, where Ba Đình hands applications over.
    DemoAccount(
        username="son.vu",
        personal_id="001092008830",  # 001 Hà Nội, 0 = male 1900s, 92
        family_name="Vũ", middle_name="Hoàng", given_name="Sơn",
        birthdate=date(1992, 9, 3), gender="male",
        place_of_origin="Phường Ngọc Hà, Thành phố Hà Nội",
        permanent_address=_address(HA_NOI, ("00008", "Phường Ngọc Hà"), "Số 31 phố Đội Cấn"),
        phone="0917008830", email="son.vu@ngocha.example.vn", level=2,
        roles=("counter_officer",), unit_level="commune", unit_code="00008",
        unit_name="Trung tâm Phục vụ hành chính công Phường Ngọc Hà",
        note={"vi": "Cán bộ một cửa cấp xã (Phường Ngọc Hà)", "en": "Commune counter officer (Ngọc Hà ward)"},
    ),
    # --- life events (issue 12): officers of the other agencies of a linked application ---
    DemoAccount(
        username="khoa.dang",
        personal_id="001090006612",  # 001 Hà Nội, 0 = male 1900s, 90
        family_name="Đặng", middle_name="Minh", given_name="Khoa",
        birthdate=date(1990, 2, 11), gender="male",
        place_of_origin="Phường Ba Đình, Thành phố Hà Nội",
        permanent_address=_address(HA_NOI, ("00070", "Phường Hoàn Kiếm"), "Số 7 phố Hàng Trống"),
        phone="0915002233", email="khoa.dang@congan.example.vn", level=2,
        roles=("counter_officer",), unit_level="police", unit_code="00004",
        unit_name="Công an Phường Ba Đình",
        note={"vi": "Cán bộ đăng ký cư trú, Công an Phường Ba Đình", "en": "Residence officer, Ba Đình ward police"},
    ),
    DemoAccount(
        username="yen.ly",
        personal_id="001186004455",  # 001 Hà Nội, 1 = female 1900s, 86
        family_name="Lý", middle_name="Hải", given_name="Yến",
        birthdate=date(1986, 12, 5), gender="female",
        place_of_origin="Phường Cầu Giấy, Thành phố Hà Nội",
        permanent_address=_address(HA_NOI, ("00166", "Phường Cầu Giấy"), "Số 20 đường Xuân Thủy"),
        phone="0916004455", email="yen.ly@bhxh.example.vn", level=2,
        roles=("counter_officer",), unit_level="social_insurance", unit_code="01",
        unit_name="Bảo hiểm xã hội Thành phố Hà Nội",
        note={"vi": "Cán bộ Bảo hiểm xã hội Hà Nội", "en": "Officer, Hà Nội social insurance agency"},
    ),
    DemoAccount(
        username="tung.phan",
        personal_id="036075003309",  # 036 Nam Định, 0 = male 1900s, 75
        family_name="Phan", middle_name="Thanh", given_name="Tùng",
        birthdate=date(1975, 6, 15), gender="male",
        place_of_origin="Xã Hải Hậu, Ninh Bình",
        permanent_address=_address(HA_NOI, ("00070", "Phường Hoàn Kiếm"), "Số 15 phố Hàng Bài"),
        phone="0913579246", email="tung.phan@hanoi.example.vn", level=2,
        roles=("counter_officer", "supervisor"), unit_level="province", unit_code="01",
        unit_name="Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
        note={"vi": "Lãnh đạo giám sát cấp tỉnh (Hà Nội)", "en": "Province supervisor (Hà Nội)"},
    ),
)

_BY_LOGIN = {account.username: account for account in ACCOUNTS} | {a.personal_id: a for a in ACCOUNTS}
_BY_SUBJECT = {account.subject: account for account in ACCOUNTS}


def find_by_subject(subject: str) -> DemoAccount | None:
    return _BY_SUBJECT.get(subject)


def authenticate(login: str, password: str) -> DemoAccount | None:
    """Sign in by personal ID number (as in VNeID) or by the demo username; None when wrong."""
    account = _BY_LOGIN.get("".join((login or "").split()).lower())
    supplied = hashlib.pbkdf2_hmac("sha256", (password or "").encode(), _SALT, _ITERATIONS)
    # Always hash and compare, so an unknown login takes as long as a wrong password.
    if not hmac.compare_digest(supplied, _PASSWORD_HASH) or account is None:
        return None
    return account
