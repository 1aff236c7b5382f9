"""The typed view of a citizen's profile that form fields bind to by name.

Forms are "once-only": a field with ``prefill: contact.phone`` arrives filled
from here (through the ``identity`` and ``profile`` prefill sources, core/prefill/).
Identity data comes from the identity provider and is locked; contact data is
self-declared and stays editable. See docs/catalogue-schema.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from citizen_app.core.i18n import N_, Msg

Provenance = Literal["verified", "profile"]

# Next to data the identity provider vouches for; ``provider`` is its display name ("VNeID", …).
MSG_VERIFIED_BY = N_("Verified by {provider}")
Sex = Literal["male", "female"]


@dataclass(frozen=True)
class Address:
    """A post-2025 address: province and commune by official code, then the street."""

    province_code: str
    commune_code: str
    street: str
    province_name: str = ""
    commune_name: str = ""

    def as_answer(self) -> dict[str, str]:
        return {"province_code": self.province_code, "commune_code": self.commune_code, "street": self.street}


@dataclass(frozen=True)
class PrefillValue:
    value: Any
    provenance: Provenance

    @property
    def locked(self) -> bool:
        return self.provenance == "verified"


@dataclass(frozen=True)
class ProfileView:
    # Verified by the identity provider (``verified_by``), refreshed at every sign-in.
    personal_id: str
    full_name: str
    date_of_birth: date | None
    sex: Sex | None
    place_of_origin: str | None
    permanent_address: Address | None
    assurance_level: int
    # Self-declared by the citizen.
    phone: str | None = None
    email: str | None = None
    current_address: Address | None = None
    preferred_locale: str = "vi"
    # Profile settings shown on the profile page; not form bindings.
    notify_email: bool = False
    # When the verified part was last refreshed from the provider (shown as "verified by VNeID on …").
    identity_refreshed_at: datetime | None = None
    # The display name of the identity provider that verified the identity ("VNeID", …).
    verified_by: str = "VNeID"

    BINDINGS: tuple[str, ...] = (
        "identity.full_name",
        "identity.personal_id",
        "identity.date_of_birth",
        "identity.sex",
        "identity.place_of_origin",
        "identity.permanent_address",
        "contact.phone",
        "contact.email",
        "contact.current_address",
    )

    def verified_label(self) -> Msg:
        return Msg(MSG_VERIFIED_BY, {"provider": self.verified_by})

    def lookup(self, binding: str) -> PrefillValue | None:
        """The value a form field bound to ``binding`` starts with, or None when the profile has none."""
        if binding not in self.BINDINGS:
            raise KeyError(f"unknown profile binding {binding!r}")
        group, name = binding.split(".", 1)
        value = getattr(self, name)
        if value is None or value == "":
            return None
        if isinstance(value, Address):
            value = value.as_answer()
        elif isinstance(value, date):
            value = value.isoformat()
        return PrefillValue(value, "verified" if group == "identity" else "profile")
