"""What a provider's claims mean here: which claim carries which attribute, and how sure it is.

Every identity provider (``core.identity.providers``) declares a :class:`ClaimMapping`
(app attribute → claim name) and an :class:`AssuranceMapping` (``acr`` or a level claim →
identity level 1 or 2). Two presets cover the providers we know:

* ``vneid``: the sandbox's names (``personal_id``, ``permanent_address`` in post-2025 codes,
  ``vneid_level``, ``roles`` …);
* ``standard``: OpenID Connect Core §5.1 only (``name``, ``birthdate``, ``gender``,
  ``phone_number``, ``email``, ``address`` {street_address, locality, region, country}).

Identity attributes are verified: stored read-only, locked in forms. Contact attributes seed the
citizen's editable profile at the first sign-in. Staff attributes grant access, so a provider
only grants roles when its mapping names a roles claim. Malformed values are dropped, never stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from citizen_app.core import admin_units
from citizen_app.core.identity.personal_id import normalize_personal_id, parse_personal_id
from citizen_app.core.identity.profile_view import Address
from citizen_app.core.text import folded_key, sort_key

log = logging.getLogger(__name__)

ROLE_CITIZEN = "citizen"
ROLE_COUNTER_OFFICER = "counter_officer"
ROLE_SUPERVISOR = "supervisor"
KNOWN_ROLES = (ROLE_CITIZEN, ROLE_COUNTER_OFFICER, ROLE_SUPERVISOR)
UNIT_CODE_LENGTH = {"commune": 5, "province": 2, "police": 5, "social_insurance": 2}  # police, social insurance: issue 12

# Verified identity: the provider's word, read-only here.
IDENTITY_ATTRIBUTES = (
    "full_name", "personal_id", "date_of_birth", "sex", "place_of_origin", "permanent_address",
)
# Self-declared: copied into the editable profile once, at the first sign-in.
CONTACT_ATTRIBUTES = ("phone", "email", "current_address")
# Staff access: only from a provider whose administrators control these claims.
STAFF_ATTRIBUTES = ("roles", "unit_level", "unit_code")
ATTRIBUTES = (*IDENTITY_ATTRIBUTES, *CONTACT_ATTRIBUTES, *STAFF_ATTRIBUTES)
UNMAPPED = "-"


@dataclass(frozen=True)
class ClaimMapping:
    """App attribute → the claim that carries it (in the ID token or userinfo)."""

    claims: Mapping[str, str]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.claims) - set(ATTRIBUTES))
        if unknown:
            raise ValueError(f"unknown attribute(s) in claim mapping: {', '.join(unknown)}")
        object.__setattr__(self, "claims", MappingProxyType(dict(self.claims)))

    def claim(self, attribute: str) -> str | None:
        return self.claims.get(attribute)

    def covers(self, attribute: str) -> bool:
        return attribute in self.claims

    @property
    def grants_roles(self) -> bool:
        return self.covers("roles")

    def with_overrides(self, pairs: Iterable[tuple[str, str]]) -> ClaimMapping:
        """``("personal_id", "national_id")`` renames; ``("roles", "-")`` removes."""
        claims = dict(self.claims)
        for attribute, claim in pairs:
            if attribute not in ATTRIBUTES:
                raise ValueError(f"unknown attribute {attribute!r}; expected one of {', '.join(ATTRIBUTES)}")
            if claim == UNMAPPED:
                claims.pop(attribute, None)
            else:
                claims[attribute] = claim
        return ClaimMapping(claims)


VNEID_CLAIMS = ClaimMapping(
    {
        "full_name": "name",
        "personal_id": "personal_id",
        "date_of_birth": "birthdate",
        "sex": "gender",
        "place_of_origin": "place_of_origin",
        "permanent_address": "permanent_address",
        "phone": "phone_number",
        "email": "email",
        "roles": "roles",
        "unit_level": "unit_level",
        "unit_code": "unit_code",
    }
)
STANDARD_CLAIMS = ClaimMapping(
    {
        "full_name": "name",
        "date_of_birth": "birthdate",
        "sex": "gender",
        "phone": "phone_number",
        "email": "email",
        "current_address": "address",
    }
)
# Staff sign-on with standard claims still needs to say who is staff, and where.
STAFF_CLAIMS = {"roles": "roles", "unit_level": "unit_level", "unit_code": "unit_code"}
CLAIM_PRESETS: Mapping[str, ClaimMapping] = MappingProxyType({"vneid": VNEID_CLAIMS, "standard": STANDARD_CLAIMS})


@dataclass(frozen=True)
class AssuranceMapping:
    """Identity level from a level claim (1 or 2) or from ``acr``; 1 when neither says."""

    level_claim: str | None = None
    acr_levels: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(level not in (1, 2) for level in self.acr_levels.values()):
            raise ValueError("identity levels are 1 or 2")
        object.__setattr__(self, "acr_levels", MappingProxyType(dict(self.acr_levels)))

    def with_acr_levels(self, pairs: Iterable[tuple[str, int]]) -> AssuranceMapping:
        return AssuranceMapping(self.level_claim, {**self.acr_levels, **dict(pairs)})

    def level(self, claims: Mapping[str, Any]) -> int:
        if self.level_claim:
            level = claims.get(self.level_claim)
            if isinstance(level, int) and not isinstance(level, bool) and level in (1, 2):
                return level
            if isinstance(level, str) and level in ("1", "2"):
                return int(level)
        acr = claims.get("acr")
        if isinstance(acr, str) and acr in self.acr_levels:
            return self.acr_levels[acr]
        return 1


VNEID_ASSURANCE = AssuranceMapping("vneid_level", {"urn:vneid:loa:1": 1, "urn:vneid:loa:2": 2})
STANDARD_ASSURANCE = AssuranceMapping()
ASSURANCE_PRESETS: Mapping[str, AssuranceMapping] = MappingProxyType(
    {"vneid": VNEID_ASSURANCE, "standard": STANDARD_ASSURANCE}
)


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
    current_address: Address | None = None
    # Identity attributes this provider speaks for; the others are left as they are at sign-in.
    covered: frozenset[str] = frozenset(IDENTITY_ATTRIBUTES)


def read_identity(
    claims: Mapping[str, Any],
    mapping: ClaimMapping = VNEID_CLAIMS,
    assurance: AssuranceMapping = VNEID_ASSURANCE,
) -> IdentityClaims:
    """The provider's claims, read through its mappings. Raises ValueError without a subject."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ValueError("claims carry no subject")

    def raw(attribute: str) -> Any:
        name = mapping.claim(attribute)
        return claims.get(name) if name else None

    full_name = (_text(raw("full_name")) or _joined_name(claims)) if mapping.covers("full_name") else None
    roles = _roles(raw("roles")) if mapping.grants_roles else (ROLE_CITIZEN,)
    unit_level, unit_code = _unit(raw("unit_level"), raw("unit_code")) if mapping.grants_roles else (None, None)
    gender = raw("sex")
    return IdentityClaims(
        subject=subject,
        display_name=full_name or _text(claims.get("preferred_username")) or "",
        roles=roles,
        unit_level=unit_level,
        unit_code=unit_code,
        assurance_level=assurance.level(claims),
        personal_id=_personal_id(raw("personal_id")),
        full_name=full_name,
        date_of_birth=_date(raw("date_of_birth")),
        sex=gender if gender in ("male", "female") else None,
        place_of_origin=_text(raw("place_of_origin")),
        permanent_address=address_from_claim(raw("permanent_address")),
        phone=_text(raw("phone")),
        email=_text(raw("email")),
        current_address=address_from_claim(raw("current_address")),
        covered=frozenset(a for a in IDENTITY_ATTRIBUTES if mapping.covers(a)),
    )


# --- values --------------------------------------------------------------------------------------------


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


def _unit(level: Any, code: Any) -> tuple[str | None, str | None]:
    if level not in UNIT_CODE_LENGTH or not isinstance(code, str):
        return None, None
    if len(code) != UNIT_CODE_LENGTH[level] or not code.isdigit():
        log.warning("ignoring malformed unit claims (level %s)", level)
        return None, None
    return level, code


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


def address_from_claim(value: Any) -> Address | None:
    """An address claim in either shape: post-2025 codes, or OIDC's standard ``address`` object.

    The standard object names places (``region`` = province, ``locality`` = commune); they are
    matched to the official units by folded name. A place that matches no unit is dropped.
    """
    if not isinstance(value, Mapping):
        return None
    if "province_code" in value or "commune_code" in value:
        return _coded_address(value)
    return _standard_address(value)


def _coded_address(value: Mapping[str, Any]) -> Address | None:
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


def _standard_address(value: Mapping[str, Any]) -> Address | None:
    country = _text(value.get("country"))
    if country and sort_key(country) not in ("vn", "vnm", "viet nam", "vietnam"):
        return None
    region, locality = _text(value.get("region")), _text(value.get("locality"))
    if not region or not locality:
        return None
    province = next((p for p in admin_units.provinces() if sort_key(p.name) == sort_key(region)), None)
    if province is None:
        log.info("address claim: region not matched to a province; not used")
        return None
    commune = _find_commune(province.code, locality)
    if commune is None:
        log.info("address claim: locality not matched to a commune of its province; not used")
        return None
    return Address(
        province_code=province.code,
        commune_code=commune.code,
        street=_text(value.get("street_address")) or "",
        province_name=province.name,
        commune_name=commune.name,
    )


def _find_commune(province_code: str, named: str) -> admin_units.CommuneUnit | None:
    communes = admin_units.communes(province_code)
    # The full name first ("Phường Ba Đình"), then without the kind word, which is often left out.
    exact = next((c for c in communes if folded_key(c.name) == folded_key(named)), None)
    return exact or next((c for c in communes if sort_key(c.name) == sort_key(named)), None)
