"""The identity-provider registry: how providers are configured, and how each reads its claims."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from citizen_app.core.identity.claims import (
    STANDARD_ASSURANCE,
    STANDARD_CLAIMS,
    VNEID_ASSURANCE,
    VNEID_CLAIMS,
    AssuranceMapping,
    ClaimMapping,
    address_from_claim,
    read_identity,
)
from citizen_app.core.identity.landing import landing_path
from citizen_app.core.identity.providers import build_registry
from citizen_app.core.identity.users import upsert_user
from citizen_app.settings import load_settings

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
BASE = {"PUBLIC_BASE_URL": "https://dichvucong.example.vn"}


def registry(**env: str):
    return build_registry(load_settings({**BASE, **env}))


# --- configuration ---------------------------------------------------------------------------------------


def test_out_of_the_box_the_sandbox_offers_a_citizen_provider_and_a_staff_sign_on() -> None:
    citizen, staff = registry()
    assert (citizen.key, citizen.display_name, citizen.purpose, citizen.is_default) == (
        "citizen", "VNeID", "citizen", True)
    assert citizen.issuer == staff.issuer == "https://dichvucong.example.vn/idp"
    assert (citizen.login_path, citizen.callback_path) == ("/auth/login", "/auth/callback")
    assert (staff.client_id, staff.purpose, staff.login_path, staff.callback_path) == (
        "citizen-app-staff", "staff", "/auth/staff/login", "/auth/staff/callback")
    assert staff.redirect_uri == "https://dichvucong.example.vn/auth/staff/callback"
    assert citizen.claims == VNEID_CLAIMS and staff.claims == VNEID_CLAIMS


def test_the_existing_oidc_variables_still_configure_the_citizen_provider() -> None:
    (citizen,) = registry(
        SANDBOX_IDP="0",
        OIDC_ISSUER="https://id.example.vn/realms/citizens/",
        OIDC_CLIENT_ID="portal",
        OIDC_CLIENT_SECRET="s3cret",
        OIDC_CLIENT_AUTH_METHOD="private_key_jwt",
        OIDC_PRIVATE_KEY_PATH="/etc/citizen-app/client-key.json",
        OIDC_SCOPES="openid profile",
        OIDC_REDIRECT_URI="https://portal.example.vn/auth/callback",
        OIDC_TIMEOUT_SECONDS="3",
    )
    assert citizen.issuer == "https://id.example.vn/realms/citizens"
    assert (citizen.client_id, citizen.client_secret, citizen.client_auth_method) == (
        "portal", "s3cret", "private_key_jwt")
    assert citizen.private_key_path == Path("/etc/citizen-app/client-key.json")
    assert (citizen.scopes, citizen.redirect_uri, citizen.timeout_seconds) == (
        "openid profile", "https://portal.example.vn/auth/callback", 3.0)
    assert "s3cret" not in repr(citizen)


def test_a_third_party_citizen_provider_and_a_government_staff_sign_on() -> None:
    citizen, staff = registry(
        SANDBOX_IDP="0",
        OIDC_ISSUER="https://id.example.test",
        OIDC_DISPLAY_NAME="Example ID",
        OIDC_CLAIMS="standard",
        OIDC_ACR_LEVELS="urn:example:loa:substantial=2 urn:example:loa:low=1",
        OIDC_PROVIDERS="staff",
        OIDC_STAFF_ISSUER="https://sso.gov.example/realms/staff",
        OIDC_STAFF_CLIENT_ID="citizen-portal",
        OIDC_STAFF_CLIENT_SECRET="x",
        OIDC_STAFF_DISPLAY_NAME="Cổng SSO cán bộ",
        OIDC_STAFF_CLAIM_MAP="personal_id=vn_personal_id unit_code=department_code",
    )
    assert citizen.display_name == "Example ID" and citizen.claims == STANDARD_CLAIMS
    assert citizen.assurance.acr_levels == {"urn:example:loa:substantial": 2, "urn:example:loa:low": 1}
    assert not citizen.claims.grants_roles  # a citizen provider with standard claims never grants staff access
    assert (staff.purpose, staff.display_name, staff.scopes) == ("staff", "Cổng SSO cán bộ",
                                                                 "openid profile email phone address")
    # A staff sign-on says who is staff, and where, even with standard claims.
    assert staff.claims.claim("roles") == "roles" and staff.claims.claim("unit_code") == "department_code"
    assert staff.claims.claim("personal_id") == "vn_personal_id"


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"SANDBOX_IDP": "0", "OIDC_PROVIDERS": "staff"}, "OIDC_STAFF_ISSUER is required"),
        ({"SANDBOX_IDP": "0", "OIDC_PROVIDERS": "staff", "OIDC_STAFF_ISSUER": "https://sso"},
         "OIDC_STAFF_CLIENT_ID is required"),
        ({"OIDC_PROVIDERS": "citizen"}, "other than 'citizen'"),
        ({"OIDC_PROVIDERS": "Staff-SSO"}, "lower-case word"),
        ({"OIDC_CLAIMS": "keycloak"}, "expected one of vneid, standard"),
        ({"OIDC_ACR_LEVELS": "urn:x:high=3"}, "must be 1 or 2"),
        ({"OIDC_CLAIM_MAP": "personal_id"}, "name=value pairs"),
        ({"OIDC_STAFF_PURPOSE": "admin"}, "expected citizen or staff"),
    ],
)
def test_a_configuration_mistake_stops_the_app_with_the_variable_named(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        load_settings({**BASE, **env})


def test_unknown_attributes_and_shared_callbacks_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown attribute 'shoe_size'"):
        registry(OIDC_CLAIM_MAP="shoe_size=shoe")
    with pytest.raises(ValueError, match="share a callback address"):
        registry(OIDC_STAFF_REDIRECT_URI="https://dichvucong.example.vn/auth/callback")


def test_disabling_the_staff_sign_on() -> None:
    assert [p.key for p in registry(OIDC_PROVIDERS="")] == ["citizen"]
    assert [p.key for p in registry(SANDBOX_IDP="0")] == ["citizen"]
    assert registry(OIDC_PROVIDERS="").staff_sign_on is None


def test_display_names_by_issuer() -> None:
    providers = registry(OIDC_DISPLAY_NAME="VNeID")
    assert providers.display_name_for_issuer("https://dichvucong.example.vn/idp/") == "VNeID"
    # No configured provider speaks for it any more: say where it came from rather than guess.
    assert providers.display_name_for_issuer("https://old-idp.example.vn/realm") == "old-idp.example.vn"


# --- claims ----------------------------------------------------------------------------------------------

STANDARD_PERSON = {
    "sub": "s-1",
    "name": "Trần Thị Bình",
    "birthdate": "1992-07-02",
    "gender": "female",
    "email": "binh@example.vn",
    "phone_number": "0903123456",
    "personal_id": "079192003518",  # not a standard claim: read only when mapped
    "roles": ["supervisor"],
    "acr": "urn:example:loa:high",
    "address": {"street_address": "45 đường Lê Thánh Tôn", "locality": "Sài Gòn",
                "region": "Hồ Chí Minh", "country": "Việt Nam"},
}


def test_standard_claims_make_verified_identity_and_editable_contact_data() -> None:
    identity = read_identity(STANDARD_PERSON, STANDARD_CLAIMS, STANDARD_ASSURANCE)
    assert (identity.full_name, identity.sex, identity.date_of_birth.isoformat()) == (
        "Trần Thị Bình", "female", "1992-07-02")
    assert identity.personal_id is None and identity.roles == ("citizen",)
    assert identity.current_address is not None
    assert (identity.current_address.province_code, identity.current_address.commune_code) == ("79", "26740")
    assert identity.permanent_address is None and identity.assurance_level == 1
    assert identity.covered == {"full_name", "date_of_birth", "sex"}


def test_mappings_rename_claims_and_levels_follow_acr() -> None:
    mapping = STANDARD_CLAIMS.with_overrides([("personal_id", "personal_id"), ("sex", "-")])
    assurance = AssuranceMapping(acr_levels={"urn:example:loa:high": 2})
    identity = read_identity(STANDARD_PERSON, mapping, assurance)
    assert identity.personal_id == "079192003518" and identity.sex is None and identity.assurance_level == 2
    assert "sex" not in identity.covered
    assert ClaimMapping({"full_name": "cn"}).claim("full_name") == "cn"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "Hà Nội",
        {"locality": "Ba Đình"},
        {"region": "Atlantis", "locality": "Ba Đình"},
        {"region": "Hà Nội", "locality": "Ba Đình", "country": "FR"},
        {"province_code": "1", "commune_code": "00004"},
    ],
)
def test_addresses_that_name_no_known_place_are_dropped(value: object) -> None:
    assert address_from_claim(value) is None


def test_an_address_matches_the_full_official_name_first() -> None:
    found = address_from_claim({"region": "thanh pho ha noi", "locality": "phuong ba dinh", "street_address": "1"})
    assert found is not None and (found.province_code, found.commune_code) == ("01", "00004")


def test_a_provider_that_does_not_speak_for_an_attribute_leaves_it_as_it_was(db_session: Session) -> None:
    vneid_claims = {**STANDARD_PERSON, "roles": ["counter_officer"], "unit_level": "commune", "unit_code": "26734",
                    "vneid_level": 2, "place_of_origin": "Bến Tre"}
    first = upsert_user(db_session, "https://idp.example", read_identity(vneid_claims, VNEID_CLAIMS,
                                                                         VNEID_ASSURANCE), NOW)
    assert first.personal_id == "079192003518" and first.roles == ["counter_officer"]
    # The same person through a client of the same issuer that maps standard claims only.
    again = upsert_user(db_session, "https://idp.example", read_identity(STANDARD_PERSON, STANDARD_CLAIMS,
                                                                         STANDARD_ASSURANCE), NOW)
    assert again.id == first.id
    assert again.personal_id == "079192003518" and again.place_of_origin == "Bến Tre"  # not its to clear
    assert again.roles == ["citizen"] and again.unit_code is None  # access is never carried over
    assert again.assurance_level == 1


# --- landing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_path", "roles", "expected"),
    [
        ("/vi/", ("counter_officer",), "/vi/staff"),
        ("/en", ("supervisor", "counter_officer"), "/en/staff"),
        ("/vi/services/1.001193/apply", ("counter_officer",), "/vi/services/1.001193/apply"),
        ("/vi/", ("citizen",), "/vi/"),
        ("/vi/staff/queue", ("counter_officer",), "/vi/staff/queue"),
    ],
)
def test_staff_who_sign_in_from_the_home_page_land_on_their_workspace(
    next_path: str, roles: tuple[str, ...], expected: str
) -> None:
    assert landing_path(next_path, roles=roles, locale=next_path.split("/")[1]) == expected
