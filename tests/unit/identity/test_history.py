"""The profile's recent changes come from the audit trail: newest first, masked, this profile only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from citizen_app.core import audit
from citizen_app.core.identity.history import recent_profile_changes
from citizen_app.core.identity.profile import update_profile
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.idp.accounts import ACCOUNTS

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}


def _sign_in(db: Session, username: str) -> AuthenticatedUser:
    account = next(a for a in ACCOUNTS if a.username == username)
    user = upsert_user(db, "https://sandbox.example/idp", identity_from_claims(account.claims_for(SCOPES)), NOW)
    return AuthenticatedUser(
        user.id, user.display_name, tuple(user.roles), user.unit_level, user.unit_code,
        user.assurance_level, "vi", "s" * 32,
    )


def test_changes_newest_first_with_masked_values(db_session: Session) -> None:
    an = _sign_in(db_session, "an.nguyen")
    assert update_profile(db_session, an.user_id, {"phone": "0987654321"}, an, now=NOW) == []
    later = NOW + timedelta(minutes=5)
    assert update_profile(
        db_session, an.user_id, {"email": "an@example.vn", "notify_email": True}, an, now=later
    ) == []
    db_session.flush()

    changes = recent_profile_changes(db_session, an.user_id)

    assert [c.field for c in changes][-1] == "phone"
    assert {c.field for c in changes[:2]} == {"email", "notify_email"}
    phone = next(c for c in changes if c.field == "phone")
    assert phone.new == "098*****21" and "0987654321" not in str(phone.old)
    assert phone.by_owner and phone.actor_id == str(an.user_id) and phone.actor_role == "citizen"


def test_only_this_profile_and_only_saved_updates(db_session: Session) -> None:
    an = _sign_in(db_session, "an.nguyen")
    binh = _sign_in(db_session, "binh.tran")
    update_profile(db_session, binh.user_id, {"phone": "0912000111"}, binh, now=NOW)
    # Refused attempts and other actions on the same profile are not "changes".
    assert update_profile(db_session, an.user_id, {"phone": "12"}, an, now=NOW)
    audit.record(db_session, action="profile.view", target_type="profile", target_id=str(an.user_id))
    audit.record(
        db_session, action="profile.update", target_type="profile", target_id=str(an.user_id),
        outcome="denied", details={"field": "phone"},
    )
    db_session.flush()

    assert recent_profile_changes(db_session, an.user_id) == []
    assert [c.field for c in recent_profile_changes(db_session, binh.user_id)] == ["phone"]


def test_limit(db_session: Session) -> None:
    an = _sign_in(db_session, "an.nguyen")
    for minute, phone in enumerate(("0912000001", "0912000002", "0912000003")):
        update_profile(db_session, an.user_id, {"phone": phone}, an, now=NOW + timedelta(minutes=minute))
        db_session.flush()
    changes = recent_profile_changes(db_session, an.user_id, limit=2)
    assert [c.new for c in changes] == ["091*****03", "091*****02"]
