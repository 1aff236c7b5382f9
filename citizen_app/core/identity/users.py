"""Users from the provider's claims: matched by (issuer, sub), identity refreshed at every sign-in.

The claim names are the sandbox provider's (docs/identity.md lists them); another
provider that uses the same names needs no code change. Anything malformed is
dropped rather than stored, and a provider that sends no roles yields a citizen.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.identity.contact import email_or_none, phone_or_none
from citizen_app.core.identity.personal_id import normalize_personal_id, parse_personal_id
from citizen_app.core.identity.profile_view import Address
from citizen_app.db.models.identity import User, UserProfile

log = logging.getLogger(__name__)

ROLE_CITIZEN = "citizen"
ROLE_COUNTER_OFFICER = "counter_officer"
ROLE_SUPERVISOR = "supervisor"
KNOWN_ROLES = (ROLE_CITIZEN, ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR)
STAFF_ROLES = frozenset({ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR})
UNIT_CODE_LENGTH = {"commune": 5, "province": 2}
ACR_PREFIX = "urn:vneid:loa:"


@dataclass(frozen=True)
class IdentityClaims:
    """What the app keeps from a provider's ID token and userinfo."""

    subject: str
    display_name: str
    roles: tuple[str, ...]
    unit_level: str | None
    unit_code: str | None
    assurance_level: int
    personal_id: str | None
    full_name: str | None
    date_of_birth: date | None
    sex: str | None
    place_of_origin: str | None
    permanent_address: Address | None
    phone: str | None
    email: str | None


def identity_from_claims(claims: Mapping[str, Any]) -> IdentityClaims:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ValueError("claims carry no subject")
    full_name = _text(claims.get("name")) or _joined_name(claims)
    unit_level, unit_code = _unit(claims)
    return IdentityClaims(
        subject=subject,
        display_name=full_name or _text(claims.get("preferred_username")) or "",
        roles=_roles(claims.get("roles")),
        unit_level=unit_level,
        unit_code=unit_code,
        assurance_level=_assurance(claims),
        personal_id=_personal_id(claims.get("personal_id")),
        full_name=full_name,
        date_of_birth=_date(claims.get("birthdate")),
        sex=claims.get("gender") if claims.get("gender") in ("male", "female") else None,
        place_of_origin=_text(claims.get("place_of_origin")),
        permanent_address=_address(claims.get("permanent_address")),
        phone=_text(claims.get("phone_number")),
        email=_text(claims.get("email")),
    )


def primary_role(roles: tuple[str, ...] | list[str]) -> str:
    """The single role written to the audit trail: the most powerful one held."""
    for role in (ROLE_SUPERVISOR, ROLE_COUNTER_OFFICER):
        if role in roles:
            return role
    return ROLE_CITIZEN


def find_user(db: Session, issuer: str, subject: str) -> User | None:
    return db.scalars(select(User).where(User.issuer == issuer, User.subject == subject)).one_or_none()


def upsert_user(db: Session, issuer: str, identity: IdentityClaims, now: datetime) -> User:
    """The user for (issuer, sub), created on first sign-in; identity data overwritten from the claims.

    Self-declared contact data is seeded from the provider only when the profile is
    first made, so a phone the citizen changed here is never overwritten at sign-in.
    """
    user = find_user(db, issuer, identity.subject)
    if user is None:
        user = User(issuer=issuer, subject=identity.subject, created_at=now)
        db.add(user)
    user.display_name = identity.display_name
    user.roles = list(identity.roles)
    user.unit_level = identity.unit_level
    user.unit_code = identity.unit_code
    user.assurance_level = identity.assurance_level
    user.personal_id = identity.personal_id
    user.full_name = identity.full_name
    user.date_of_birth = identity.date_of_birth
    user.sex = identity.sex
    user.place_of_origin = identity.place_of_origin
    address = identity.permanent_address
    user.permanent_province_code = address.province_code if address else None
    user.permanent_province_name = (address.province_name or None) if address else None
    user.permanent_commune_code = address.commune_code if address else None
    user.permanent_commune_name = (address.commune_name or None) if address else None
    user.permanent_street = (address.street or None) if address else None
    user.identity_refreshed_at = now
    user.last_login_at = now
    if user.profile is None:
        user.profile = UserProfile(
            phone=phone_or_none(identity.phone),
            email=email_or_none(identity.email),
            preferred_locale="vi",
            notify_email=False,
            updated_at=now,
        )
    db.flush()
    return user


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _joined_name(claims: Mapping[str, Any]) -> str | None:
    # Vietnamese order: family name, middle name, given name.
    parts = [_text(claims.get(key)) for key in ("family_name", "middle_name", "given_name")]
    joined = " ".join(part for part in parts if part)
    return joined or None


def _roles(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list | tuple):
        return (ROLE_CITIZEN,)
    roles = tuple(dict.fromkeys(role for role in value if role in KNOWN_ROLES))
    unknown = [role for role in value if role not in KNOWN_ROLES]
    if unknown:
        log.info("ignoring %d unknown role claim(s)", len(unknown))
    return roles or (ROLE_CITIZEN,)


def _unit(claims: Mapping[str, Any]) -> tuple[str | None, str | None]:
    level, code = claims.get("unit_level"), claims.get("unit_code")
    if level not in UNIT_CODE_LENGTH or not isinstance(code, str):
        return None, None
    if len(code) != UNIT_CODE_LENGTH[level] or not code.isdigit():
        log.warning("ignoring malformed unit claims (level %s)", level)
        return None, None
    return level, code


def _assurance(claims: Mapping[str, Any]) -> int:
    level = claims.get("vneid_level")
    if isinstance(level, int) and not isinstance(level, bool) and level in (1, 2):
        return level
    if isinstance(level, str) and level in ("1", "2"):
        return int(level)
    acr = claims.get("acr")
    if isinstance(acr, str) and acr.startswith(ACR_PREFIX) and acr[len(ACR_PREFIX):] in ("1", "2"):
        return int(acr[len(ACR_PREFIX):])
    return 1


def _personal_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    normalized = normalize_personal_id(value)
    if parse_personal_id(normalized) is None:
        log.warning("ignoring a personal_id claim that is not a well-formed 12-digit number")
        return None
    return normalized


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


_PROVINCE = re.compile(r"^\d{2}$")
_COMMUNE = re.compile(r"^\d{5}$")


def _address(value: Any) -> Address | None:
    if not isinstance(value, Mapping):
        return None
    province, commune = value.get("province_code"), value.get("commune_code")
    if not (isinstance(province, str) and _PROVINCE.match(province)):
        return None
    if not (isinstance(commune, str) and _COMMUNE.match(commune)):
        return None
    return Address(
        province_code=province,
        commune_code=commune,
        street=_text(value.get("street")) or "",
        province_name=_text(value.get("province_name")) or "",
        commune_name=_text(value.get("commune_name")) or "",
    )
