"""Demo accounts are realistic and consistent; staff guards and assurance levels."""

from __future__ import annotations

from datetime import date

import pytest

from citizen_app.core import admin_units
from citizen_app.core.i18n import get_translator
from citizen_app.core.identity.assurance import assurance_message, meets_assurance
from citizen_app.core.identity.permissions import PermissionDenied, require_role, require_staff
from citizen_app.core.identity.personal_id import BIRTH_PROVINCE_CODES, agrees_with, parse_personal_id
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.idp.accounts import ACCOUNTS, DEMO_PASSWORD, authenticate

CITIZENS = [a for a in ACCOUNTS if not a.is_staff]
STAFF = [a for a in ACCOUNTS if a.is_staff]


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
def test_demo_id_numbers_agree_with_sex_and_birth_date(account) -> None:
    parts = parse_personal_id(account.personal_id, today=date(2026, 1, 1))
    assert parts is not None
    assert parts.sex == account.gender and parts.birth_year == account.birthdate.year
    assert agrees_with(account.personal_id, sex=account.gender, date_of_birth=account.birthdate)
    assert account.personal_id[:3] in BIRTH_PROVINCE_CODES


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.username)
def test_demo_addresses_use_real_post_2025_units(account) -> None:
    address = account.permanent_address
    assert admin_units.is_commune_in_province(address.province_code, address.commune_code)
    assert admin_units.province_name(address.province_code) == address.province_name
    assert admin_units.commune_name(address.commune_code) == address.commune_name


def test_the_demo_population() -> None:
    assert len(CITIZENS) >= 6 and {a.level for a in CITIZENS} == {1, 2}
    assert len({a.personal_id for a in ACCOUNTS}) == len(ACCOUNTS)
    assert len({a.subject for a in ACCOUNTS}) == len(ACCOUNTS)
    assert all(
        any(ch in a.name for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủũứừửữựỳỷỹýàáèéìíòóùú")
        for a in ACCOUNTS
    )
    commune_officers = [a for a in STAFF if "counter_officer" in a.roles and a.unit_level == "commune"]
    province_officers = [a for a in STAFF if "counter_officer" in a.roles and a.unit_level == "province"]
    supervisors = [a for a in STAFF if "supervisor" in a.roles]
    assert commune_officers and province_officers and supervisors
    for officer in STAFF:
        if officer.unit_level in ("commune", "police"):
            assert admin_units.commune_name(officer.unit_code)
        else:
            assert admin_units.province_name(officer.unit_code)
    # Someone the commune officer can serve: a citizen registered in the officer's commune.
    commune = commune_officers[0].unit_code
    assert any(c.permanent_address.commune_code == commune for c in CITIZENS)
    assert all(a.phone.startswith("0") and len(a.phone) == 10 for a in ACCOUNTS)


def test_demo_password() -> None:
    assert DEMO_PASSWORD == "demo1234"
    assert authenticate("an.nguyen", "demo1234").username == "an.nguyen"
    assert authenticate("001 085 004 217", "demo1234").username == "an.nguyen"  # by ID number, as in VNeID
    assert authenticate("an.nguyen", "wrong") is None
    assert authenticate("nobody", "demo1234") is None


def test_claims_follow_scopes() -> None:
    officer = next(a for a in STAFF if a.unit_level == "commune")
    minimal = officer.claims_for({"openid"})
    assert set(minimal) == {"sub"}
    full = officer.claims_for({"openid", "profile", "vneid_identity", "phone", "email", "address"})
    assert full["roles"] == ["counter_officer"] and full["unit_level"] == "commune"
    assert full["unit_code"] == "00004" and full["vneid_level"] == 2
    assert full["permanent_address"]["commune_code"] == officer.permanent_address.commune_code


def _user(roles: tuple[str, ...], level: int = 2) -> AuthenticatedUser:
    return AuthenticatedUser(1, "Test", roles, None, None, level, "vi", "s" * 32)


def test_staff_guards() -> None:
    citizen, officer, supervisor = (
        _user(("citizen",)),
        _user(("counter_officer",)),
        _user(("counter_officer", "supervisor")),
    )
    assert require_staff(officer) is officer and require_staff(supervisor) is supervisor
    assert require_role(supervisor, "supervisor") is supervisor
    with pytest.raises(PermissionDenied) as denied:
        require_staff(citizen)
    assert (denied.value.actor_id, denied.value.actor_role, denied.value.required) == (
        "1",
        "citizen",
        "staff",
    )
    with pytest.raises(PermissionDenied):
        require_role(officer, "supervisor")
    with pytest.raises(PermissionDenied) as anonymous:
        require_staff(None)
    assert anonymous.value.actor_id is None
    assert get_translator("vi").render(anonymous.value.message) == "Vui lòng đăng nhập để tiếp tục."
    with pytest.raises(ValueError):
        require_role(officer, "admin")


def test_assurance_levels() -> None:
    level_1, level_2 = _user(("citizen",), 1), _user(("citizen",), 2)
    assert meets_assurance(level_2, 2) and meets_assurance(level_1, 1) and not meets_assurance(level_1, 2)
    assert not meets_assurance(None, 1) and assurance_message(level_2, 2) is None
    message = assurance_message(level_1, 2)
    english = get_translator("en").render(message)
    vietnamese = get_translator("vi").render(message)
    assert "level 2" in english and "Yours is level 1" in english and "police" in english
    assert "mức độ 2" in vietnamese and "công an" in vietnamese and "VNeID" in vietnamese
