"""Users from the provider's claims: matched by (issuer, sub), identity refreshed at every sign-in.

How claims are read (which claim carries what, the identity level) is each provider's
declaration (``core.identity.claims``, ``core.identity.providers``); without one, the
sandbox's names apply. Anything malformed is dropped rather than stored, and a provider
that grants no roles yields a citizen.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core.identity.claims import (
    KNOWN_ROLES,
    ROLE_CITIZEN,
    ROLE_COUNTER_OFFICER,
    ROLE_SUPERVISOR,
    UNIT_CODE_LENGTH,
    VNEID_ASSURANCE,
    VNEID_CLAIMS,
    AssuranceMapping,
    ClaimMapping,
    IdentityClaims,
    read_identity,
)
from citizen_app.core.identity.contact import email_or_none, phone_or_none
from citizen_app.core.identity.profile_view import Address
from citizen_app.db.models.identity import User, UserProfile

log = logging.getLogger(__name__)

__all__ = [
    "KNOWN_ROLES", "ROLE_CITIZEN", "ROLE_COUNTER_OFFICER", "ROLE_SUPERVISOR", "STAFF_ROLES",
    "UNIT_CODE_LENGTH", "IdentityClaims", "find_user", "identity_from_claims", "primary_role", "upsert_user",
]

STAFF_ROLES = frozenset({ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR})


def identity_from_claims(
    claims: Mapping[str, Any],
    mapping: ClaimMapping = VNEID_CLAIMS,
    assurance: AssuranceMapping = VNEID_ASSURANCE,
) -> IdentityClaims:
    """The claims read through a provider's mappings (the sandbox's by default)."""
    return read_identity(claims, mapping, assurance)


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
    # Access is never kept from an earlier sign-in: a provider that grants no roles makes a citizen.
    user.roles = list(identity.roles)
    user.unit_level = identity.unit_level
    user.unit_code = identity.unit_code
    user.assurance_level = identity.assurance_level
    covered = identity.covered
    if "personal_id" in covered:
        user.personal_id = identity.personal_id
    if "full_name" in covered:
        user.full_name = identity.full_name
    if "date_of_birth" in covered:
        user.date_of_birth = identity.date_of_birth
    if "sex" in covered:
        user.sex = identity.sex
    if "place_of_origin" in covered:
        user.place_of_origin = identity.place_of_origin
    if "permanent_address" in covered:
        _set_permanent_address(user, identity.permanent_address)
    user.identity_refreshed_at = now
    user.last_login_at = now
    if user.profile is None:
        current = identity.current_address
        user.profile = UserProfile(
            phone=phone_or_none(identity.phone),
            email=email_or_none(identity.email),
            current_province_code=current.province_code if current else None,
            current_commune_code=current.commune_code if current else None,
            current_street=(current.street or None) if current else None,
            preferred_locale="vi",
            notify_email=False,
            updated_at=now,
        )
    db.flush()
    return user


def _set_permanent_address(user: User, address: Address | None) -> None:
    user.permanent_province_code = address.province_code if address else None
    user.permanent_province_name = (address.province_name or None) if address else None
    user.permanent_commune_code = address.commune_code if address else None
    user.permanent_commune_name = (address.commune_name or None) if address else None
    user.permanent_street = (address.street or None) if address else None
