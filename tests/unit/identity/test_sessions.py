"""Server-side sessions: hashed tokens, idle and absolute timeouts, tampered cookies."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.identity.sessions import (
    AuthenticatedUser,
    check_cookie_header,
    check_session,
    create_session,
    end_session,
    hash_token,
    login_url,
    resolve_session,
    session_cookie_options,
    session_token_from_cookie_header,
)
from citizen_app.db.models.identity import AuthSession, User
from citizen_app.settings import load_settings

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội


def _user(db: Session, roles: list[str] | None = None) -> User:
    user = User(
        issuer="https://idp.example",
        subject=f"sub-{uuid.uuid4().hex}",
        display_name="Nguyễn Văn An",
        roles=roles or ["citizen"],
        assurance_level=2,
        created_at=T0,
    )
    db.add(user)
    db.flush()
    return user


def test_token_is_random_256_bits_and_only_its_hash_is_stored(db_session: Session) -> None:
    user = _user(db_session)
    raw, row = create_session(db_session, user, T0)
    other, _ = create_session(db_session, user, T0)
    assert len(raw) == 43 and raw != other
    assert row.token_hash == hash_token(raw) and raw not in (row.token_hash, row.id)
    stored = db_session.scalars(select(AuthSession.token_hash)).all()
    assert raw not in stored and other not in stored


def test_resolve_returns_the_user_and_touches_last_seen(db_session: Session) -> None:
    user = _user(db_session, ["counter_officer", "supervisor"])
    raw, row = create_session(db_session, user, T0, locale="en")
    later = T0 + timedelta(minutes=10)
    found = resolve_session(db_session, raw, later)
    assert isinstance(found, AuthenticatedUser)
    assert (found.user_id, found.display_name, found.session_id) == (user.id, "Nguyễn Văn An", row.id)
    assert found.is_staff and found.is_supervisor and found.actor_role == "supervisor"
    assert row.last_seen_at == later
    with pytest.raises(AttributeError):
        found.roles = ("citizen",)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("idle", "ok"), [(timedelta(minutes=14, seconds=59), True), (timedelta(minutes=15), False)]
)
def test_idle_timeout(db_session: Session, idle: timedelta, ok: bool) -> None:
    raw, row = create_session(db_session, _user(db_session), T0)
    check = check_session(db_session, raw, T0 + idle)
    assert (check.user is not None) is ok
    if not ok:
        assert check.problem == "idle" and check.expired
        assert row.ended_at == T0 + idle and row.end_reason == "idle"
        # Once ended, it stays ended even if asked again straight away.
        assert check_session(db_session, raw, T0 + idle).problem == "ended"


def test_activity_keeps_the_session_alive_until_the_absolute_limit(db_session: Session) -> None:
    raw, _ = create_session(db_session, _user(db_session), T0)
    moment = T0
    while moment < T0 + timedelta(hours=7, minutes=50):
        moment += timedelta(minutes=10)
        assert resolve_session(db_session, raw, moment) is not None
    check = check_session(db_session, raw, T0 + timedelta(hours=8))
    assert check.user is None and check.problem == "absolute"


def test_timeouts_are_configurable(db_session: Session) -> None:
    settings = load_settings({"SESSION_IDLE_MINUTES": "5", "SESSION_ABSOLUTE_HOURS": "1"})
    raw, _ = create_session(db_session, _user(db_session), T0, settings=settings)
    assert resolve_session(db_session, raw, T0 + timedelta(minutes=4), settings=settings) is not None
    assert check_session(db_session, raw, T0 + timedelta(minutes=10), settings=settings).problem == "idle"
    raw, _ = create_session(db_session, _user(db_session, ["citizen"]), T0, settings=settings)
    for minutes in range(4, 64, 4):
        check = check_session(db_session, raw, T0 + timedelta(minutes=minutes), settings=settings)
    assert check.problem == "absolute"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # one character changed
        lambda raw: raw + "x",  # lengthened
        lambda raw: "'; DROP TABLE auth_sessions; --",
        lambda raw: "",
    ],
)
def test_tampered_cookie_yields_no_session_and_is_logged_without_the_value(
    db_session: Session, caplog: pytest.LogCaptureFixture, tamper
) -> None:
    raw, _ = create_session(db_session, _user(db_session), T0)
    forged = tamper(raw)
    caplog.set_level(logging.INFO, logger="citizen_app")
    assert resolve_session(db_session, forged, T0 + timedelta(minutes=1)) is None
    if forged:
        assert any("session cookie rejected" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        assert raw not in record.getMessage() and (not forged or forged not in record.getMessage())
    assert resolve_session(db_session, raw, T0 + timedelta(minutes=1)) is not None  # the real one still works


def test_logout_ends_the_session(db_session: Session) -> None:
    raw, _ = create_session(db_session, _user(db_session), T0, id_token="header.payload.signature")
    ended = end_session(db_session, raw, T0 + timedelta(minutes=1))
    assert ended is not None and ended.id_token == "header.payload.signature" and ended.end_reason == "logout"
    assert check_session(db_session, raw, T0 + timedelta(minutes=2)).problem == "ended"
    assert end_session(db_session, "not-a-token", T0) is None


def test_session_survives_commit_on_both_databases(db_session: Session) -> None:
    raw, _ = create_session(db_session, _user(db_session), T0)
    db_session.commit()
    db_session.expire_all()
    found = resolve_session(db_session, raw, T0 + timedelta(minutes=3))
    assert found is not None and found.roles == ("citizen",) and found.locale == "vi"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("citizen_session=abc; lang=vi", "abc"),
        ('lang=en; citizen_session="abc"', "abc"),
        ("lang=en", None),
        ("", None),
        (None, None),
        ('broken="; citizen_session=abc', "abc"),
    ],
)
def test_session_token_from_cookie_header(header: str | None, expected: str | None) -> None:
    assert session_token_from_cookie_header(header, "citizen_session") == expected


def test_cookie_flags_follow_https() -> None:
    plain = session_cookie_options(load_settings({"PUBLIC_BASE_URL": "http://localhost:3000"}))
    secure = session_cookie_options(load_settings({"PUBLIC_BASE_URL": "https://dichvucong.example.vn"}))
    assert plain == {
        "key": "citizen_session",
        "httponly": True,
        "samesite": "lax",
        "secure": False,
        "path": "/",
    }
    assert secure["secure"] is True and secure["httponly"] is True and secure["samesite"] == "lax"


def test_check_cookie_header_in_its_own_transaction(db_session: Session) -> None:
    raw, row = create_session(db_session, _user(db_session), T0)
    db_session.commit()
    header = f"lang=vi; citizen_session={raw}"
    check = check_cookie_header(header, now=T0 + timedelta(minutes=5))
    assert check.user is not None and check.user.session_id == row.id
    db_session.expire_all()
    assert db_session.get(AuthSession, row.id).last_seen_at == T0 + timedelta(minutes=5)  # committed
    assert check_cookie_header(header, now=T0 + timedelta(minutes=30)).problem == "idle"
    assert check_cookie_header("lang=vi").problem == "missing"


def test_login_url_keeps_the_whole_return_path() -> None:
    assert (
        login_url("/vi/dich-vu/1.001193/nop?buoc=3") == "/auth/login?next=/vi/dich-vu/1.001193/nop%3Fbuoc%3D3"
    )
