"""The profile: verified identity is read-only, self-declared data validated, every change audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.i18n import get_translator
from citizen_app.core.identity.contact import mask_email, mask_phone, normalize_email, normalize_phone
from citizen_app.core.identity.permissions import PermissionDenied
from citizen_app.core.identity.profile import (
    MSG_COMMUNE_NOT_IN_PROVINCE,
    MSG_PHONE,
    MSG_VERIFIED,
    find_citizen_by_personal_id,
    load_profile_view,
    update_profile,
)
from citizen_app.core.identity.profile_view import Address
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.idp.accounts import ACCOUNTS

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
ISSUER = "https://sandbox.example/idp"


def _sign_in(db: Session, username: str) -> AuthenticatedUser:
    account = next(a for a in ACCOUNTS if a.username == username)
    scopes = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
    user = upsert_user(db, ISSUER, identity_from_claims(account.claims_for(scopes)), NOW)
    return AuthenticatedUser(
        user_id=user.id,
        display_name=user.display_name,
        roles=tuple(user.roles),
        unit_level=user.unit_level,
        unit_code=user.unit_code,
        assurance_level=user.assurance_level,
        locale="vi",
        session_id="s" * 32,
    )


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84 0912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0388765432", "0388765432"),
        ("0868135790", "0868135790"),
        ("0779112233", "0779112233"),
        ("0563123456", "0563123456"),
        ("0212345678", None),  # landline-style prefix
        ("012345678", None),  # nine digits
        ("09123456789", None),  # eleven digits
        ("0912-34567a", None),
        ("", None),
    ],
)
def test_vietnamese_mobile_numbers(typed: str, normalized: str | None) -> None:
    assert normalize_phone(typed) == normalized


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        (" An.Nguyen@Example.VN ", "An.Nguyen@example.vn"),
        ("lan@mail.gov.vn", "lan@mail.gov.vn"),
        ("no-at-sign.vn", None),
        ("two@@signs.vn", None),
        ("dots..twice@example.vn", None),
        ("nodomain@localhost", None),
        # Rules a hand-written pattern missed, now email-validator's.
        ("an@[203.0.113.7]", None),
        ('"an nguyen"@example.vn', None),
        ("an@example.invalid", None),
        ("an@-example.vn", None),
        (".an@example.vn", None),
        ("an.@example.vn", None),
        ("ân@example.vn", None),  # a non-ASCII mailbox many servers cannot deliver to
        ("lan@Bộ-Tư-Pháp.VN", "lan@bộ-tư-pháp.vn"),  # an internationalised domain, normalised
        ("a" * 65 + "@example.vn", None),
    ],
)
def test_email_addresses(typed: str, normalized: str | None) -> None:
    assert normalize_email(typed) == normalized


def test_masks_keep_enough_to_tell_values_apart() -> None:
    assert mask_phone("0912345678") == "091*****78"
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"


def test_profile_view_after_first_sign_in(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    view = load_profile_view(db_session, actor.user_id)
    assert view.full_name == "Nguyễn Văn An" and view.personal_id == "001085004217"
    assert view.date_of_birth == date(1985, 3, 14) and view.sex == "male" and view.assurance_level == 2
    assert view.permanent_address == Address(
        "01", "00004", "Số 12 phố Đội Cấn", province_name="Thành phố Hà Nội", commune_name="Phường Ba Đình"
    )
    # Contact data is seeded from the provider once, then belongs to the citizen.
    assert view.phone == "0912345678" and view.email == "an.nguyen@example.vn"
    assert view.lookup("identity.personal_id").locked
    assert view.lookup("contact.phone").value == "0912345678" and not view.lookup("contact.phone").locked
    assert view.identity_refreshed_at == NOW


def test_update_saves_normalised_values_and_audits_each_field_masked(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    errors = update_profile(
        db_session,
        actor.user_id,
        {
            "phone": "+84 98 765 4321",
            "email": "An.Nguyen@Mail.VN",
            "current_address": {
                "province_code": "79",
                "commune_code": "26740",
                "street": "  45  Lê Thánh Tôn ",
            },
            "preferred_locale": "en",
            "notify_email": True,
        },
        actor,
        now=NOW,
    )
    assert errors == []
    view = load_profile_view(db_session, actor.user_id)
    assert view.phone == "0987654321" and view.email == "An.Nguyen@mail.vn"
    assert view.current_address == Address(
        "79", "26740", "45 Lê Thánh Tôn", province_name="Thành phố Hồ Chí Minh", commune_name="Phường Sài Gòn"
    )
    assert view.preferred_locale == "en" and view.notify_email is True
    db_session.commit()
    events = audit.events_for(db_session, "profile", str(actor.user_id))
    by_field = {event.details["field"]: event for event in events}
    assert set(by_field) == {"phone", "email", "current_address", "preferred_locale", "notify_email"}
    phone = by_field["phone"]
    assert phone.details["old"] == "091*****78" and phone.details["new"] == "098*****21"
    assert phone.actor_id == str(actor.user_id) and phone.actor_role == "citizen" and phone.at is not None
    assert by_field["email"].details["new"] == "A***@mail.vn"
    assert by_field["current_address"].details == {
        "field": "current_address",
        "old": None,
        "new": "79/26740, ***",
        "session": actor.session_id,
    }
    for event in events:
        assert "0987654321" not in str(event.details) and "Lê Thánh Tôn" not in str(event.details)


def test_unchanged_values_leave_no_audit_event(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    assert update_profile(db_session, actor.user_id, {"phone": "0912 345 678"}, actor) == []
    assert audit.events_for(db_session, "profile", str(actor.user_id)) == []


def test_all_or_nothing(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    errors = update_profile(
        db_session,
        actor.user_id,
        {"email": "new@example.vn", "phone": "12345", "preferred_locale": "fr"},
        actor,
    )
    assert [(e.field, e.message.msgid) for e in errors] == [
        ("phone", MSG_PHONE),
        ("preferred_locale", "Choose Vietnamese or English."),
    ]
    assert load_profile_view(db_session, actor.user_id).email == "an.nguyen@example.vn"
    assert audit.events_for(db_session, "profile", str(actor.user_id)) == []
    assert get_translator("vi").render(errors[0].message).startswith("Nhập số điện thoại di động Việt Nam")


def test_current_address_must_be_a_real_province_commune_pair(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    saigon_in_hanoi = {"province_code": "01", "commune_code": "26740", "street": "1 Lê Lợi"}
    errors = update_profile(db_session, actor.user_id, {"current_address": saigon_in_hanoi}, actor)
    assert [(e.field, e.message.msgid) for e in errors] == [
        ("current_address.commune_code", MSG_COMMUNE_NOT_IN_PROVINCE)
    ]
    errors = update_profile(
        db_session,
        actor.user_id,
        {"current_address": {"province_code": "99", "commune_code": "x", "street": ""}},
        actor,
    )
    assert {e.field for e in errors} == {
        "current_address.province_code",
        "current_address.commune_code",
        "current_address.street",
    }


def test_clearing_optional_contact_data(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    assert update_profile(db_session, actor.user_id, {"email": "", "current_address": None}, actor) == []
    assert load_profile_view(db_session, actor.user_id).email is None


def test_verified_identity_cannot_be_edited(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    errors = update_profile(
        db_session,
        actor.user_id,
        {"full_name": "Someone Else", "identity.personal_id": "001085000000"},
        actor,
    )
    assert {(e.field, e.message.msgid) for e in errors} == {
        ("full_name", MSG_VERIFIED),
        ("identity.personal_id", MSG_VERIFIED),
    }
    assert load_profile_view(db_session, actor.user_id).full_name == "Nguyễn Văn An"


def test_form_bindings_save_back_to_the_profile(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    changes = {
        "contact.phone": "0903 111 222",
        "contact.current_address": Address("48", "20242", "78 Bạch Đằng"),
    }
    assert update_profile(db_session, actor.user_id, changes, actor) == []
    view = load_profile_view(db_session, actor.user_id)
    assert view.phone == "0903111222" and view.current_address.commune_name == "Phường Hải Châu"


def test_only_the_citizen_edits_their_profile(db_session: Session) -> None:
    citizen = _sign_in(db_session, "an.nguyen")
    officer = _sign_in(db_session, "mai.ngo")
    with pytest.raises(PermissionDenied) as denied:
        update_profile(db_session, citizen.user_id, {"phone": "0903111222"}, officer)
    assert denied.value.actor_role == "counter_officer" and denied.value.required == "profile_owner"
    assert load_profile_view(db_session, citizen.user_id).phone == "0912345678"


def test_find_citizen_by_personal_id(db_session: Session) -> None:
    actor = _sign_in(db_session, "an.nguyen")
    found = find_citizen_by_personal_id(db_session, "001 085 004 217")
    assert found is not None and found.user_id == actor.user_id and found.profile.full_name == "Nguyễn Văn An"
    assert find_citizen_by_personal_id(db_session, "001085004218") is None  # well-formed, unknown
    assert find_citizen_by_personal_id(db_session, "12345") is None
    assert find_citizen_by_personal_id(db_session, "999085004217") is None  # no such birth province


def test_load_profile_view_of_unknown_user(db_session: Session) -> None:
    with pytest.raises(LookupError):
        load_profile_view(db_session, 987654)
