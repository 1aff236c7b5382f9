"""Users from claims: matched by (issuer, sub) only, identity refreshed at each sign-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_app.core.identity.profile import load_profile_view, update_profile
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.models.identity import User

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
A = "https://idp-a.example"
B = "https://idp-b.example"


def _claims(sub: str, **extra: object) -> dict[str, object]:
    return {
        "sub": sub,
        "name": "Trần Thị Bình",
        "email": "binh.tran@example.vn",
        "phone_number": "0903123456",
        "personal_id": "079192003518",
        "birthdate": "1992-07-02",
        "gender": "female",
        "vneid_level": 2,
        **extra,
    }


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(User))


def test_same_email_and_name_at_another_subject_is_another_person(db_session: Session) -> None:
    first = upsert_user(db_session, A, identity_from_claims(_claims("sub-1")), NOW)
    second = upsert_user(db_session, A, identity_from_claims(_claims("sub-2")), NOW)
    assert first.id != second.id and _count(db_session) == 2


def test_same_subject_at_another_issuer_is_another_person(db_session: Session) -> None:
    first = upsert_user(db_session, A, identity_from_claims(_claims("sub-1")), NOW)
    second = upsert_user(db_session, B, identity_from_claims(_claims("sub-1")), NOW)
    assert first.id != second.id and _count(db_session) == 2


def test_same_issuer_and_subject_is_the_same_person_even_if_email_and_name_change(
    db_session: Session,
) -> None:
    first = upsert_user(db_session, A, identity_from_claims(_claims("sub-1")), NOW)
    again = upsert_user(
        db_session,
        A,
        identity_from_claims(
            _claims("sub-1", name="Trần Thị Bình An", email="new@example.vn", vneid_level=1)
        ),
        NOW + timedelta(days=1),
    )
    assert again.id == first.id and _count(db_session) == 1
    # Identity data is the provider's: refreshed at every sign-in.
    assert again.full_name == "Trần Thị Bình An" and again.assurance_level == 1
    assert again.identity_refreshed_at == NOW + timedelta(days=1)


def test_contact_data_the_citizen_changed_survives_the_next_sign_in(db_session: Session) -> None:
    user = upsert_user(db_session, A, identity_from_claims(_claims("sub-1")), NOW)
    actor = AuthenticatedUser(user.id, "Bình", ("citizen",), None, None, 2, "vi", "x" * 32)
    assert update_profile(db_session, user.id, {"phone": "0987654321"}, actor) == []
    upsert_user(db_session, A, identity_from_claims(_claims("sub-1")), NOW + timedelta(hours=1))
    assert load_profile_view(db_session, user.id).phone == "0987654321"


@pytest.mark.parametrize(
    ("claims", "roles"),
    [
        ({}, ("citizen",)),
        ({"roles": ["counter_officer"]}, ("counter_officer",)),
        ({"roles": "counter_officer supervisor"}, ("counter_officer", "supervisor")),
        ({"roles": ["admin", "root"]}, ("citizen",)),  # unknown roles are never granted
        ({"roles": 42}, ("citizen",)),
    ],
)
def test_roles_from_claims(claims: dict[str, object], roles: tuple[str, ...]) -> None:
    assert identity_from_claims(_claims("s", **claims)).roles == roles


@pytest.mark.parametrize(
    ("claims", "level"),
    [
        ({"vneid_level": 2}, 2),
        ({"vneid_level": 1}, 1),
        ({"vneid_level": None, "acr": "urn:vneid:loa:2"}, 2),
        ({"vneid_level": None, "acr": "urn:other:loa:2"}, 1),
        ({"vneid_level": 3}, 1),
        ({"vneid_level": True}, 1),
    ],
)
def test_assurance_level_from_claims(claims: dict[str, object], level: int) -> None:
    assert identity_from_claims(_claims("s", **claims)).assurance_level == level


def test_malformed_identity_claims_are_dropped_not_stored() -> None:
    identity = identity_from_claims(
        _claims(
            "s",
            personal_id="12345",
            birthdate="02/07/1992",
            gender="other",
            permanent_address={"province_code": "1", "commune_code": "00004"},
            unit_level="district",
            unit_code="001",
        )
    )
    assert identity.personal_id is None and identity.date_of_birth is None and identity.sex is None
    assert identity.permanent_address is None and identity.unit_level is None and identity.unit_code is None


def test_claims_without_subject_are_refused() -> None:
    with pytest.raises(ValueError):
        identity_from_claims({"name": "No Subject"})
