"""View model of the account page: plain Python (no Reflex), so the wording is unit-tested.

The profile rules (validation, all-or-nothing save, audit) are ``core.identity.profile``'s;
this module turns the posted form into ``update_profile`` changes and the core's answers
(profile, errors, history) into text in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from citizen_app.core import admin_units
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.identity.assurance import assurance_message
from citizen_app.core.identity.history import ProfileChange
from citizen_app.core.identity.profile import FieldError
from citizen_app.core.identity.profile_view import Address, ProfileView

FIELD_LABELS: dict[str, str] = {
    "phone": N_("Mobile phone number"),
    "email": N_("Email address"),
    "current_address": N_("Current address"),
    "preferred_locale": N_("Preferred language"),
    "notify_email": N_("Email notifications"),
}
# Error key from update_profile → the form control its summary link moves to (its id on the page).
FIELD_ANCHORS: dict[str, str] = {
    "phone": "phone",
    "email": "email",
    "current_address": "province_code",
    "current_address.province_code": "province_code",
    "current_address.commune_code": "commune_code",
    "current_address.street": "street",
    "preferred_locale": "locale-vi",
    "notify_email": "notify_email",
}
# Summary order follows the form, top to bottom.
_FORM_ORDER = tuple(FIELD_ANCHORS)
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
SEX_LABELS = {"male": N_("Male"), "female": N_("Female")}
ROLE_LABELS = {
    "citizen": N_("Citizen"),
    "counter_officer": N_("Counter officer"),
    "supervisor": N_("Supervisor"),
}
LEVEL_EXPLAINED = {
    1: N_("Level 1: a basic electronic identity, registered in the VNeID app without an in-person check."),
    2: N_("Level 2: your identity was checked in person against your chip-based citizen ID card."),
}
LEVEL_2_UNLOCKS = N_(
    "Some services need level 2, because their result is legally binding: for example registering a "
    "business, land or a vehicle. With level 2 you can use every service here."
)
LEVEL_2_HOW = N_(
    "To get level 2, bring your chip-based citizen ID card to the police of your commune or ward and ask "
    "them to activate level 2 in the VNeID app. Then sign out and sign in here again."
)
LEVEL_LABEL = N_("Level {level}")
REFRESHED_AT = N_("Updated from {provider} when you signed in at {time}.")
SAVED = N_("Your details have been saved.")
NOTHING_CHANGED = N_("Nothing was changed: these are already your details.")
RESTORED = N_("We kept what you typed before your session ended. Check it, then save.")


class Option(TypedDict):
    code: str
    name: str


class SummaryError(TypedDict):
    anchor: str
    text: str


class ChangeRow(TypedDict):
    when: str
    who: str
    what: str


def changes_from_form(form: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted form as ``update_profile`` changes; the core validates everything."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    # An unticked checkbox is not submitted at all; Reflex's ref for it may send a bool instead.
    notify = form.get("notify_email")
    return {
        "phone": text("phone"),
        "email": text("email"),
        "current_address": {
            "province_code": text("province_code"),
            "commune_code": text("commune_code"),
            "street": text("street"),
        },
        "preferred_locale": text("preferred_locale"),
        "notify_email": notify is True or notify in ("on", "true", "1"),
    }


def field_errors(errors: Sequence[FieldError], t: Translator) -> tuple[dict[str, str], list[SummaryError]]:
    """Per-control messages (by control id) and the error summary, in form order, first message per control."""
    by_anchor: dict[str, str] = {}
    ordered = sorted(errors, key=lambda e: _FORM_ORDER.index(e.field) if e.field in _FORM_ORDER else len(_FORM_ORDER))
    for error in ordered:
        anchor = FIELD_ANCHORS.get(error.field, "phone")
        by_anchor.setdefault(anchor, t.render(error.message))
    return by_anchor, [SummaryError(anchor=anchor, text=text) for anchor, text in by_anchor.items()]


def change_rows(changes: Sequence[ProfileChange], t: Translator) -> list[ChangeRow]:
    """Who, when, what — with the values as masked in the audit trail."""
    rows: list[ChangeRow] = []
    for change in changes:
        label = t.gettext(FIELD_LABELS.get(change.field, change.field))
        if change.field == "current_address":
            what = f"{label}: " + (t.gettext("removed") if change.new is None else t.gettext("updated"))
        else:
            what = f"{label}: {_shown(change.old, change.field, t)} → {_shown(change.new, change.field, t)}"
        if change.by_owner:
            who = t.gettext("You")
        else:
            who = t.gettext(ROLE_LABELS.get(change.actor_role or "", N_("Someone else")))
        rows.append(ChangeRow(when=t.format_datetime(change.at), who=who, what=what))
    return rows


def _shown(value: Any, field: str, t: Translator) -> str:
    if value is None or value == "":
        return "—"
    if field == "notify_email":
        return t.gettext("On") if value else t.gettext("Off")
    if field == "preferred_locale":
        return LANGUAGE_NAMES.get(str(value), str(value))
    return str(value)


def commune_options(province_code: str) -> list[Option]:
    return [Option(code=c.code, name=c.name) for c in admin_units.communes(province_code)]


def describe_address(address: Address | None) -> str:
    if address is None:
        return ""
    commune = address.commune_name or admin_units.commune_name(address.commune_code) or address.commune_code
    province = address.province_name or admin_units.province_name(address.province_code) or address.province_code
    return ", ".join(part for part in (address.street, commune, province) if part)




@dataclass
class IdentityView:
    """What the identity provider verified (read-only on the page) and what the person's level lets them do."""

    full_name: str = ""
    personal_id: str = ""
    date_of_birth: str = ""
    sex: str = ""
    place_of_origin: str = ""
    permanent_address: str = ""
    assurance_level: int = 0
    level_label: str = ""
    level_explained: str = ""
    level_upgrade: str = ""  # empty at level 2
    refreshed_at: str = ""
    verified_badge: str = ""  # "Verified by <the provider that verified this identity>"


def identity_view(view: ProfileView, t: Translator) -> IdentityView:
    # assurance_message words it for a service page ("This service needs…"); here the same
    # rule decides, and the account page says it in its own words.
    needs_upgrade = assurance_message(view.assurance_level, 2) is not None
    return IdentityView(
        full_name=view.full_name,
        personal_id=view.personal_id,
        date_of_birth=t.format_date(view.date_of_birth) if view.date_of_birth else "",
        sex=t.gettext(SEX_LABELS[view.sex]) if view.sex else "",
        place_of_origin=view.place_of_origin or "",
        permanent_address=describe_address(view.permanent_address),
        assurance_level=view.assurance_level,
        level_label=t.render(Msg(LEVEL_LABEL, {"level": view.assurance_level})),
        level_explained=t.gettext(LEVEL_EXPLAINED.get(view.assurance_level, LEVEL_EXPLAINED[1])),
        level_upgrade=" ".join((t.gettext(LEVEL_2_UNLOCKS), t.gettext(LEVEL_2_HOW))) if needs_upgrade else "",
        refreshed_at=t.render(
            Msg(REFRESHED_AT, {"time": t.format_datetime(view.identity_refreshed_at), "provider": view.verified_by})
        )
        if view.identity_refreshed_at
        else "",
        verified_badge=t.render(view.verified_label()),
    )
