"""Administrative units, staff and a complete set of answers for the feedback tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from citizen_app.core.admin_units import AdminUnits, CommuneUnit, ProvinceUnit
from citizen_app.core.dossiers import Actor
from tests.unit.dossiers.helpers import NOW, Staff, make_user

UNITS = AdminUnits(
    [ProvinceUnit("01", "Thành phố Hà Nội"), ProvinceUnit("79", "Thành phố Hồ Chí Minh")],
    [
        CommuneUnit("00004", "Phường Ba Đình", "01", "phuong"),
        CommuneUnit("00008", "Phường Ngọc Hà", "01", "phuong"),
        CommuneUnit("26734", "Phường Sài Gòn", "79", "phuong"),
    ],
)
SCRIPT = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

__all__ = ["NOW", "SCRIPT", "UNITS", "answers", "staff"]


def answers(**changes: Any) -> dict[str, str]:
    """Every step answered: a complaint about Phường Ba Đình's counter."""
    base = {
        "subject_type": "agency",
        "province_code": "01",
        "commune_code": "00004",
        "topic": "conduct",
        "title": "Chờ quá lâu ở bộ phận một cửa",
        "content": "Tôi chờ hơn hai giờ để nộp hồ sơ mà không có ai hướng dẫn. Gọi tôi: 0912 345 678.",
        "place": "Tầng 1, trụ sở UBND phường",
        "sender_name": "Nguyễn Thị Hoa",
        "sender_phone": "0912345678",
        "sender_email": "hoa.nguyen@example.vn",
        "may_publish": "yes",
    }
    base.update({key: str(value) for key, value in changes.items()})
    return base


def staff(db: Session, *, level: str = "commune", code: str = "00004", roles: tuple[str, ...] = ("counter_officer",)) -> Actor:
    user_id = make_user(db, roles=roles, unit_level=level, unit_code=code)
    return Actor.staff(Staff(user_id, roles, level, code))
