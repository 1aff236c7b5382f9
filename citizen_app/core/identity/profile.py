"""The citizen profile: verified identity (read-only) plus self-declared data (editable, audited).

``load_profile_view`` builds the :class:`ProfileView` forms prefill from.
``update_profile`` validates every change first and saves all or nothing; each
changed field leaves one audit event with personal values masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_app.core import admin_units, audit
from citizen_app.core.i18n import LOCALES, N_, Msg
from citizen_app.core.identity.contact import mask_email, mask_phone, normalize_email, normalize_phone
from citizen_app.core.identity.permissions import PermissionDenied
from citizen_app.core.identity.personal_id import normalize_personal_id, parse_personal_id
from citizen_app.core.identity.profile_view import Address, ProfileView
from citizen_app.core.identity.providers import identity_providers
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.models.identity import User, UserProfile

log = logging.getLogger(__name__)

EDITABLE_FIELDS: tuple[str, ...] = ("phone", "email", "current_address", "preferred_locale", "notify_email")
# Form bindings (core.forms.prefill.reusable_changes) map onto profile fields, so a form can save back.
_BINDING_ALIASES = {
    "contact.phone": "phone",
    "contact.email": "email",
    "contact.current_address": "current_address",
}
VERIFIED_FIELDS = frozenset(
    {
        "personal_id",
        "full_name",
        "date_of_birth",
        "sex",
        "place_of_origin",
        "permanent_address",
        "assurance_level",
    }
    | {binding.split(".", 1)[1] for binding in ProfileView.BINDINGS if binding.startswith("identity.")}
)

# The 34 provinces and centrally-run cities since 1 July 2025 (General Statistics Office codes).
PROVINCE_CODES_2025 = frozenset(
    {
        "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38", "40",
        "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96",
    }
)
MAX_STREET = 255

MSG_PHONE = N_("Enter a Vietnamese mobile number: 10 digits starting with 03, 05, 07, 08 or 09.")
MSG_EMAIL = N_("Enter a valid email address, for example name@example.com.")
MSG_PROVINCE = N_("Choose a province or city.")
MSG_COMMUNE = N_("Choose a commune, ward or special zone.")
MSG_COMMUNE_NOT_IN_PROVINCE = N_("This commune is not in the chosen province.")
MSG_STREET = N_("Enter the house number and street.")
MSG_STREET_TOO_LONG = N_("The street address is too long (at most {count} characters).")
MSG_LOCALE = N_("Choose Vietnamese or English.")
MSG_NOTIFY = N_("Choose whether to receive email notifications.")
MSG_VERIFIED = N_("This is verified by {provider} and cannot be changed here.")
MSG_UNKNOWN_FIELD = N_("This information cannot be changed here.")


@dataclass(frozen=True)
class FieldError:
    """A problem with one submitted field, rendered in the reader's language later."""

    field: str
    message: Msg


@dataclass(frozen=True)
class FoundCitizen:
    """A citizen found at the counter by personal ID number, with what forms prefill from."""

    user_id: int
    profile: ProfileView


def load_profile_view(db: Session, user_id: int) -> ProfileView:
    """The typed profile of ``user_id``; raises LookupError when there is no such user."""
    user = db.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    return _view(user)


def find_citizen_by_personal_id(db: Session, personal_id: str) -> FoundCitizen | None:
    """The person who signed in with this 12-digit number (most recent sign-in wins), or None.

    Only people who have signed in at least once are known; the counter cannot
    create identities, it can only help someone the provider already verified.
    """
    normalized = normalize_personal_id(personal_id)
    if parse_personal_id(normalized) is None:
        return None
    user = db.scalars(
        select(User)
        .where(User.personal_id == normalized)
        .order_by(User.last_login_at.desc().nulls_last(), User.id.desc())
        .limit(1)
    ).first()
    if user is None:
        return None
    return FoundCitizen(user_id=user.id, profile=_view(user))


def update_profile(
    db: Session,
    user_id: int,
    changes: Mapping[str, Any],
    actor: AuthenticatedUser,
    *,
    now: datetime | None = None,
) -> list[FieldError]:
    """Validate and apply self-declared changes; an empty list means everything was saved.

    All or nothing: with any error nothing is changed. Only the citizen may edit
    their own profile (staff never do); anyone else gets :class:`PermissionDenied`.
    Keys are profile fields (``phone``, ``email``, ``current_address``,
    ``preferred_locale``, ``notify_email``) or form bindings (``contact.phone`` …).
    """
    if actor.user_id != user_id:
        raise PermissionDenied(actor, "profile_owner")
    user = db.get(User, user_id)
    if user is None:
        raise LookupError(f"no user {user_id}")
    now = now or utcnow()

    cleaned: dict[str, Any] = {}
    errors: list[FieldError] = []
    for raw_key, value in changes.items():
        key = _BINDING_ALIASES.get(raw_key, raw_key)
        if key in VERIFIED_FIELDS or raw_key.startswith("identity."):
            provider = identity_providers().display_name_for_issuer(user.issuer)
            errors.append(FieldError(raw_key, Msg(MSG_VERIFIED, {"provider": provider})))
            continue
        validator = _VALIDATORS.get(key)
        if validator is None:
            errors.append(FieldError(raw_key, Msg(MSG_UNKNOWN_FIELD)))
            continue
        result, field_errors = validator(value)
        if field_errors:
            errors.extend(
                FieldError(f"{key}.{sub}" if sub else key, message) for sub, message in field_errors
            )
        else:
            cleaned[key] = result
    if errors:
        return errors

    profile = user.profile
    if profile is None:
        profile = UserProfile(preferred_locale="vi", notify_email=False, updated_at=now)
        user.profile = profile
    changed = False
    for key, new in cleaned.items():
        old = _current(profile, key)
        if old == new:
            continue
        _apply(profile, key, new)
        changed = True
        audit.record(
            db,
            action="profile.update",
            target_type="profile",
            target_id=str(user_id),
            actor_id=str(actor.user_id),
            actor_role=actor.actor_role,
            details={
                "field": key,
                "old": _masked(key, old),
                "new": _masked(key, new),
                "session": actor.session_id,
            },
        )
    if changed:
        profile.updated_at = now
        db.flush()
    return []


# --- validation -------------------------------------------------------------------------------------

Validated = tuple[Any, list[tuple[str, Msg]]]


def _validate_phone(value: Any) -> Validated:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    normalized = normalize_phone(value) if isinstance(value, str) else None
    return (normalized, []) if normalized else (None, [("", Msg(MSG_PHONE))])


def _validate_email(value: Any) -> Validated:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, []
    normalized = normalize_email(value) if isinstance(value, str) else None
    return (normalized, []) if normalized else (None, [("", Msg(MSG_EMAIL))])


def _validate_locale(value: Any) -> Validated:
    return (value, []) if value in LOCALES else (None, [("", Msg(MSG_LOCALE))])


def _validate_notify(value: Any) -> Validated:
    return (value, []) if isinstance(value, bool) else (None, [("", Msg(MSG_NOTIFY))])


def _validate_address(value: Any) -> Validated:
    """None or an empty mapping clears it; else province → commune must be a real pair, then a street."""
    if isinstance(value, Address):
        value = value.as_answer()
    if value is None or (
        isinstance(value, Mapping) and not any(str(v or "").strip() for v in value.values())
    ):
        return None, []
    if not isinstance(value, Mapping):
        return None, [("province_code", Msg(MSG_PROVINCE))]
    province = str(value.get("province_code") or "").strip()
    commune = str(value.get("commune_code") or "").strip()
    street = " ".join(str(value.get("street") or "").split())
    problems: list[tuple[str, Msg]] = []
    if province not in PROVINCE_CODES_2025:
        problems.append(("province_code", Msg(MSG_PROVINCE)))
    if not re.fullmatch(r"\d{5}", commune):
        problems.append(("commune_code", Msg(MSG_COMMUNE)))
    elif not problems and not _commune_in_province(commune, province):
        problems.append(("commune_code", Msg(MSG_COMMUNE_NOT_IN_PROVINCE)))
    if not street:
        problems.append(("street", Msg(MSG_STREET)))
    elif len(street) > MAX_STREET:
        problems.append(("street", Msg(MSG_STREET_TOO_LONG, {"count": MAX_STREET})))
    if problems:
        return None, problems
    return {"province_code": province, "commune_code": commune, "street": street}, []


def _commune_in_province(commune_code: str, province_code: str) -> bool:
    return admin_units.is_commune_in_province(province_code, commune_code)


_VALIDATORS: dict[str, Callable[[Any], Validated]] = {
    "phone": _validate_phone,
    "email": _validate_email,
    "current_address": _validate_address,
    "preferred_locale": _validate_locale,
    "notify_email": _validate_notify,
}


# --- reading and writing -----------------------------------------------------------------------------


def _current(profile: UserProfile, key: str) -> Any:
    if key == "current_address":
        if not profile.current_province_code:
            return None
        return {
            "province_code": profile.current_province_code,
            "commune_code": profile.current_commune_code,
            "street": profile.current_street,
        }
    return getattr(profile, key)


def _apply(profile: UserProfile, key: str, value: Any) -> None:
    if key == "current_address":
        profile.current_province_code = value["province_code"] if value else None
        profile.current_commune_code = value["commune_code"] if value else None
        profile.current_street = value["street"] if value else None
    else:
        setattr(profile, key, value)


def _masked(key: str, value: Any) -> Any:
    """What the audit trail keeps: enough to tell values apart, not enough to contact the person."""
    if value is None:
        return None
    if key == "phone":
        return mask_phone(value)
    if key == "email":
        return mask_email(value)
    if key == "current_address":
        return f"{value['province_code']}/{value['commune_code']}, ***"
    return value


def _view(user: User) -> ProfileView:
    profile = user.profile
    permanent = None
    if user.permanent_province_code and user.permanent_commune_code:
        permanent = Address(
            province_code=user.permanent_province_code,
            commune_code=user.permanent_commune_code,
            street=user.permanent_street or "",
            province_name=user.permanent_province_name or "",
            commune_name=user.permanent_commune_name or "",
        )
    current = None
    if profile and profile.current_province_code and profile.current_commune_code:
        current = Address(
            province_code=profile.current_province_code,
            commune_code=profile.current_commune_code,
            street=profile.current_street or "",
            province_name=admin_units.province_name(profile.current_province_code) or "",
            commune_name=admin_units.commune_name(profile.current_commune_code) or "",
        )
    return ProfileView(
        personal_id=user.personal_id or "",
        full_name=user.full_name or user.display_name,
        date_of_birth=user.date_of_birth,
        sex=user.sex if user.sex in ("male", "female") else None,  # type: ignore[arg-type]
        place_of_origin=user.place_of_origin,
        permanent_address=permanent,
        assurance_level=user.assurance_level,
        phone=profile.phone if profile else None,
        email=profile.email if profile else None,
        current_address=current,
        preferred_locale=profile.preferred_locale if profile else "vi",
        notify_email=profile.notify_email if profile else False,
        identity_refreshed_at=user.identity_refreshed_at,
        verified_by=identity_providers().display_name_for_issuer(user.issuer),
    )
