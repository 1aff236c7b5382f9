"""A third-party certified provider, tried as a new user would: the three failures the issue reports.

1. Its standard ``address`` claim was ignored, because only the app's own claim names were read.
2. Everything it sent was labelled "verified by VNeID".
3. It rotated its key under the same key id, and every sign-in was refused.

Each provider now declares its claim mapping, display name and assurance mapping
(core/identity/providers.py), and a cached key that fails to verify is fetched once more.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from citizen_app.core.forms import prefill
from citizen_app.core.i18n import get_translator
from citizen_app.core.identity import oidc
from citizen_app.core.identity.claims import VNEID_CLAIMS
from citizen_app.core.identity.profile import MSG_VERIFIED, load_profile_view, update_profile
from citizen_app.core.identity.sessions import (
    AuthenticatedUser,
    resolve_session,
    session_token_from_cookie_header,
)
from citizen_app.core.identity.users import identity_from_claims
from citizen_app.db.base import utcnow
from citizen_app.db.models.identity import AuthSession, User
from citizen_app.settings import reset_settings_cache
from citizen_app.web.auth import build_routes
from tests.unit.dossiers.forms_fixtures import form
from tests.unit.identity.third_party import (
    CLIENT_ID,
    CLIENT_SECRET,
    ISSUER,
    PERSON,
    ThirdPartyProvider,
    new_key,
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
    from starlette.testclient import TestClient

VI = get_translator("vi")
EN = get_translator("en")


@pytest.fixture
def provider() -> ThirdPartyProvider:
    return ThirdPartyProvider()


@pytest.fixture
def app(engine, provider: ThirdPartyProvider, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app configured for the third-party provider, exactly as docs/identity.md tells an operator."""
    for name in ("OIDC_REDIRECT_URI", "OIDC_POST_LOGOUT_REDIRECT_URI", "OIDC_CLIENT_AUTH_METHOD",
                 "OIDC_PRIVATE_KEY_PATH", "OIDC_SCOPES", "OIDC_CLAIM_MAP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://testserver")
    monkeypatch.setenv("SANDBOX_IDP", "0")
    monkeypatch.setenv("OIDC_PROVIDERS", "")
    monkeypatch.setenv("OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("OIDC_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("OIDC_DISPLAY_NAME", "Example ID")
    monkeypatch.setenv("OIDC_CLAIMS", "standard")
    monkeypatch.setenv("OIDC_ACR_LEVELS", "urn:example:loa:substantial=2 urn:example:loa:low=1")
    reset_settings_cache()
    oidc.reset_caches()
    routes = build_routes(client_factory=lambda p: oidc.OidcClient(p, transport=provider.transport))
    with TestClient(Starlette(routes=routes), base_url="http://testserver", follow_redirects=False) as client:
        yield client
    oidc.reset_caches()
    reset_settings_cache()


def sign_in(app: TestClient, provider: ThirdPartyProvider, next_path: str = "/vi/account"):
    start = app.get("/auth/login", params={"next": next_path})
    assert start.status_code == 303, start.text
    assert start.headers["location"].startswith(f"{ISSUER}/authorize?")
    return app.get("/auth/callback", params=provider.authorize(start.headers["location"]))


def signed_in_user(db: Session, response) -> int:
    assert response.status_code == 303, response.text
    raw = session_token_from_cookie_header(response.headers["set-cookie"].split(";")[0], "citizen_session")
    user = resolve_session(db, raw, utcnow())
    assert user is not None
    return user.user_id


# --- 1. the standard address claim -------------------------------------------------------------------


def test_its_standard_address_claim_was_ignored_by_the_app_s_own_claim_names() -> None:
    """The failure, reproduced: read with only the app's (sandbox's) names, the address is lost."""
    assert identity_from_claims(PERSON, VNEID_CLAIMS).current_address is None


def test_its_standard_address_claim_now_fills_the_address_editable(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session
) -> None:
    user_id = signed_in_user(db_session, sign_in(app, provider))
    view = load_profile_view(db_session, user_id)
    assert view.current_address is not None
    assert (view.current_address.province_code, view.current_address.commune_code) == ("01", "00004")
    assert view.current_address.street == "Số 5 phố Đội Cấn"
    assert (view.phone, view.email) == ("0903123456", "binh.tran@example.vn")
    # In a form: the address arrives filled from the profile, editable; identity fields are locked.
    filled = prefill(form(), view)
    assert filled.answers["new_address"] == {"province_code": "01", "commune_code": "00004",
                                             "street": "Số 5 phố Đội Cấn"}
    assert filled.provenance["new_address"] == "profile" and "new_address" not in filled.locked
    assert filled.locked == {"full_name", "birth_date", "sex"}  # it asserts no ID number
    assert "personal_id" not in filled.answers


def test_an_address_that_names_no_known_place_is_dropped_not_guessed(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session
) -> None:
    provider.person = {**PERSON, "address": {**PERSON["address"], "locality": "Phường Không Có"}}
    user_id = signed_in_user(db_session, sign_in(app, provider))
    assert load_profile_view(db_session, user_id).current_address is None


# --- 2. labelled with its own name --------------------------------------------------------------------


def test_what_it_verified_is_labelled_with_its_own_name_not_vneid(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session
) -> None:
    user_id = signed_in_user(db_session, sign_in(app, provider))
    view = load_profile_view(db_session, user_id)
    assert view.verified_by == "Example ID"
    assert VI.render(view.verified_label()) == "Đã xác thực bởi Example ID"
    filled = prefill(form(), view)
    assert {VI.render(filled.labels[f]) for f in filled.locked} == {"Đã xác thực bởi Example ID"}
    assert EN.render(filled.labels["full_name"]) == "Verified by Example ID"
    assert EN.render(filled.labels["phone"]) == "From your profile"
    # Its level comes from its own acr values, as configured.
    assert db_session.scalar(select(User.assurance_level).where(User.id == user_id)) == 2
    # Refusing an edit of verified data names it too.
    actor = AuthenticatedUser(user_id, "Trần Thị Bình", ("citizen",), None, None, 2, "en", "s" * 32)
    errors = update_profile(db_session, user_id, {"full_name": "X"}, actor)
    assert errors[0].message.msgid == MSG_VERIFIED
    assert EN.render(errors[0].message) == "This is verified by Example ID and cannot be changed here."


@pytest.mark.parametrize(("acr", "level"), [("urn:example:loa:low", 1), ("urn:other:loa:high", 1)])
def test_its_level_follows_its_declared_acr_values(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session, acr: str, level: int
) -> None:
    provider.acr = acr
    user_id = signed_in_user(db_session, sign_in(app, provider))
    assert load_profile_view(db_session, user_id).assurance_level == level


# --- 3. a key rotated under the same kid ---------------------------------------------------------------


def test_a_key_rotated_under_the_same_kid_is_fetched_once_more(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="citizen_app")
    assert sign_in(app, provider).status_code == 303
    assert provider.served["/keys"] == 1
    provider.rotate_under_the_same_kid()
    # Before: the cached key (same kid) did not verify the new token, and the sign-in was refused.
    again = sign_in(app, provider)
    assert again.status_code == 303, again.text
    assert provider.served["/keys"] == 2  # one refetch, no more
    assert any("does not verify with cached key" in r.getMessage() for r in caplog.records)
    # The refetched keys are cached: the next sign-in fetches nothing.
    assert sign_in(app, provider).status_code == 303
    assert provider.served["/keys"] == 2


def test_a_token_no_published_key_verifies_is_still_refused_after_one_refetch(
    app: TestClient, provider: ThirdPartyProvider, db_session: Session
) -> None:
    assert sign_in(app, provider).status_code == 303
    provider.published = provider.key
    provider.key = new_key()  # signs with a key it does not publish, under the published kid
    refused = sign_in(app, provider)
    assert refused.status_code == 400 and 'data-testid="auth-error-title"' in refused.text
    assert "token_signature" in refused.text
    assert provider.served["/keys"] == 2
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(AuthSession)) == 1
