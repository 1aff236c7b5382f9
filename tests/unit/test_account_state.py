"""The account page's state against a real database: sign-in redirect, save, errors, session lost mid-form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData
from sqlalchemy import Engine, select, update

from citizen_app.core.i18n import Msg, get_translator
from citizen_app.core.identity.history import ProfileChange
from citizen_app.core.identity.profile import MSG_EMAIL, MSG_PHONE, FieldError
from citizen_app.core.identity.sessions import create_session, end_session
from citizen_app.core.identity.users import identity_from_claims, upsert_user
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.identity import AuthSession, UserProfile
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.settings import get_settings
from citizen_app.states.account import AccountState
from citizen_app.states.base import AppState
from citizen_app.ui.account_view import change_rows, changes_from_form, field_errors

SCOPES = {"openid", "profile", "vneid_identity", "phone", "email", "address"}
ACCOUNT = "/vi/account"


def sign_in(username: str) -> tuple[int, str]:
    """A user as the callback makes one, and the raw cookie value of a fresh session."""
    account = next(a for a in ACCOUNTS if a.username == username)
    now = utcnow()
    with unit_of_work() as db:
        # The configured (sandbox) issuer: its display name, VNeID, says who verified the identity.
        issuer = get_settings().oidc_issuer
        user = upsert_user(db, issuer, identity_from_claims(account.claims_for(SCOPES)), now)
        raw, _ = create_session(db, user, now)
        return user.id, raw


def account_state(raw_token: str | None, path: str = ACCOUNT) -> AccountState:
    root = rx.State()
    cookie = f"lang=vi; citizen_session={raw_token}" if raw_token else "lang=vi"
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie}, "pathname": path, "asPath": path})
    return root.get_substate(AccountState.get_full_name().split("."))


def use_cookie(state: AccountState, raw_token: str | None) -> None:
    """What a page reload after signing in does: the websocket reconnects with the new cookie."""
    path = state.router.url.path
    cookie = f"citizen_session={raw_token}" if raw_token else ""
    state.router = RouterData.from_router_data({"headers": {"cookie": cookie}, "pathname": path, "asPath": path})


def load(state: AccountState) -> Any:
    return AccountState.load.fn(state)


def save(state: AccountState, **fields: Any) -> Any:
    form = {
        "phone": state.phone,
        "email": state.email,
        "province_code": state.province_code,
        "commune_code": state.commune_code,
        "street": state.street,
        "preferred_locale": state.preferred_locale,
        **({"notify_email": "on"} if state.notify_email else {}),
    }
    form.update(fields)
    return AccountState.save.fn(state, {k: v for k, v in form.items() if v is not None})


def run_load_session(state: AccountState) -> None:
    AppState.load_session.fn(state)


def stored_phone(user_id: int) -> str | None:
    with unit_of_work() as db:
        return db.scalars(select(UserProfile.phone).where(UserProfile.user_id == user_id)).one()


# ---- pure helpers ------------------------------------------------------------------------------


def test_form_fields_become_profile_changes() -> None:
    changes = changes_from_form(
        {"phone": " 0912 345 678 ", "email": "", "province_code": "01", "commune_code": "00004",
         "street": " 12 Đội Cấn ", "preferred_locale": "en", "notify_email": "on", "locale_vi": "vi"}
    )
    assert changes == {
        "phone": "0912 345 678",
        "email": "",
        "current_address": {"province_code": "01", "commune_code": "00004", "street": "12 Đội Cấn"},
        "preferred_locale": "en",
        "notify_email": True,
    }
    assert changes_from_form({})["notify_email"] is False  # an unticked box is not submitted
    assert changes_from_form({"notify_email": True})["notify_email"] is True  # Reflex's ref sends a bool
    assert changes_from_form({"notify_email": False})["notify_email"] is False


def test_errors_link_to_their_controls_in_form_order() -> None:
    errors = [
        FieldError("current_address.street", Msg("Enter the house number and street.")),
        FieldError("email", Msg(MSG_EMAIL)),
        FieldError("phone", Msg(MSG_PHONE)),
    ]
    by_control, summary = field_errors(errors, get_translator("vi"))
    assert [item["anchor"] for item in summary] == ["phone", "email", "street"]
    assert by_control["phone"].startswith("Nhập số điện thoại di động Việt Nam")
    assert by_control["street"] == "Nhập số nhà và tên đường."


def test_change_rows_say_who_when_what() -> None:
    from datetime import UTC, datetime

    at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    rows = change_rows(
        [
            ProfileChange(at, "phone", "091*****78", "098*****21", "7", "citizen", True),
            ProfileChange(at, "notify_email", False, True, "7", "citizen", True),
            ProfileChange(at, "current_address", None, "01/00004, ***", "7", "citizen", True),
            ProfileChange(at, "email", None, "a***@x.vn", "9", "counter_officer", False),
        ],
        get_translator("en"),
    )
    assert rows[0] == {"when": "09:00, 2 Mar 2026", "who": "You", "what": "Mobile phone number: 091*****78 → 098*****21"}
    assert rows[1]["what"] == "Email notifications: Off → On"
    assert rows[2]["what"] == "Current address: updated"
    assert rows[3]["who"] == "Counter officer" and rows[3]["what"] == "Email address: — → a***@x.vn"


# ---- the state ---------------------------------------------------------------------------------


def test_not_signed_in_goes_to_sign_in_and_back(engine: Engine) -> None:
    state = account_state(None)
    event = load(state)
    assert event is not None and "/auth/login?next=/vi/account" in str(event)
    assert state.status == "signed_out" and state.full_name == ""


def test_load_shows_verified_identity_and_contact_details(engine: Engine) -> None:
    _, raw = sign_in("an.nguyen")
    state = account_state(raw)
    assert load(state) is None
    assert state.status == "ready"
    assert (state.full_name, state.personal_id, state.date_of_birth) == ("Nguyễn Văn An", "001085004217", "14/03/1985")
    assert state.sex == "Nam" and "Ba Đình" in state.permanent_address
    assert state.level_label == "Mức 2" and state.level_upgrade == ""
    assert state.refreshed_at.startswith("Cập nhật từ VNeID")
    assert state.phone == "0912345678" and state.preferred_locale == "vi"
    assert state.changes == []


def test_level_1_is_told_what_level_2_unlocks_and_how(engine: Engine) -> None:
    _, raw = sign_in("cuong.le")
    state = account_state(raw, "/en/account")
    load(state)
    assert state.level_label == "Level 1"
    assert "legally binding" in state.level_upgrade and "chip-based citizen ID card" in state.level_upgrade
    assert "This service" not in state.level_upgrade


def test_invalid_phone_and_email_are_explained_in_vietnamese_and_nothing_is_saved(engine: Engine) -> None:
    user_id, raw = sign_in("binh.tran")
    state = account_state(raw)
    load(state)
    before = stored_phone(user_id)
    version = state.form_version

    event = save(state, phone="12345", email="not-an-email", street="5 Lê Lợi", province_code="79")

    assert event is not None  # focuses the error summary
    assert state.phone_error.startswith("Nhập số điện thoại di động Việt Nam")
    assert state.email_error == "Nhập địa chỉ thư điện tử hợp lệ, ví dụ: ten@example.com."
    assert [e["anchor"] for e in state.error_summary][:2] == ["phone", "email"]
    assert state.saved_message == ""
    assert stored_phone(user_id) == before
    assert state.phone == "12345"  # what was typed stays on screen
    assert state.form_version == version  # no remount while correcting


def test_save_applies_all_changes_and_lists_them(engine: Engine) -> None:
    user_id, raw = sign_in("dung.pham")
    state = account_state(raw)
    load(state)
    AccountState.choose_province.fn(state, "01")
    assert state.communes and state.commune_code == ""

    assert save(state, phone="+84 987 654 321", province_code="01", commune_code="00004", street="12 Đội Cấn",
                notify_email="on") is None

    assert state.saved_message == "Đã lưu thông tin của bạn."
    assert stored_phone(user_id) == "0987654321" and state.phone == "0987654321"
    assert state.province_code == "01" and state.commune_code == "00004" and state.notify_email
    whats = [row["what"] for row in state.changes]
    assert any(w.startswith("Số điện thoại di động: ") and w.endswith("098*****21") for w in whats)
    assert all(row["who"] == "Bạn" for row in state.changes)

    save(state)  # the same details again
    assert state.saved_message == "Không có gì thay đổi: đây đã là thông tin của bạn."


def test_session_timed_out_mid_form_keeps_the_answers_for_the_same_person(engine: Engine) -> None:
    user_id, raw = sign_in("nhung.vo")
    state = account_state(raw)
    load(state)
    with unit_of_work() as session:  # 20 minutes without activity
        session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=20)))

    assert save(state, phone="0911222333") is None  # no redirect: the notice explains and links

    assert state.session_expired and not state.signed_in
    assert stored_phone(user_id) != "0911222333"
    # Signing in again comes back to the page, which puts the answers back.
    _, fresh = sign_in("nhung.vo")
    use_cookie(state, fresh)
    run_load_session(state)
    load(state)
    assert state.restored and state.phone == "0911222333" and not state.session_expired
    assert save(state) is None and stored_phone(user_id) == "0911222333"


def test_timeout_noticed_by_the_page_load_is_still_shown_by_the_loader(engine: Engine) -> None:
    _, raw = sign_in("lan.bui")
    state = account_state(raw)
    with unit_of_work() as session:
        session.execute(update(AuthSession).values(last_seen_at=utcnow() - timedelta(minutes=20)))
    run_load_session(state)  # AppState.load_session runs first on every page and ends the session
    assert state.session_expired
    assert load(state) is None  # the notice, not a silent redirect
    assert state.session_expired and state.status == "signed_out"


def test_signed_out_elsewhere_goes_to_sign_in_and_the_answers_wait(engine: Engine) -> None:
    _, raw = sign_in("duc.hoang")
    state = account_state(raw)
    load(state)
    with unit_of_work() as session:
        end_session(session, raw, utcnow())

    event = save(state, phone="0933444555")

    assert "/auth/login?next=/vi/account" in str(event)
    _, fresh = sign_in("duc.hoang")
    use_cookie(state, fresh)
    load(state)
    assert state.restored and state.phone == "0933444555"


def test_answers_are_never_shown_to_someone_else(engine: Engine) -> None:
    _, raw = sign_in("duc.hoang")
    state = account_state(raw)
    load(state)
    with unit_of_work() as session:
        end_session(session, raw, utcnow())
    save(state, phone="0933444555")

    _, other = sign_in("an.nguyen")  # someone else signs in on the same tab
    use_cookie(state, other)
    load(state)
    assert not state.restored and state.phone != "0933444555" and state.full_name == "Nguyễn Văn An"

