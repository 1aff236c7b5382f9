"""The account page: identity verified by VNeID (read-only), contact details (editable), recent changes.

Thin on purpose: the profile rules (validation, all-or-nothing save, audit) are
``core.identity.profile``'s; this state turns form fields into ``update_profile``
changes and core results into text in the reader's language.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import admin_units
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.identity.assurance import assurance_message
from citizen_app.core.identity.history import ProfileChange, recent_profile_changes
from citizen_app.core.identity.profile import FieldError, load_profile_view, update_profile
from citizen_app.core.identity.profile_view import Address, ProfileView
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.engine import unit_of_work
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user

log = logging.getLogger(__name__)

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


class AccountState(AppState):
    """``/{locale}/account``."""

    # loading | ready | signed_out (expired: the session notice shows instead)
    status: str = "loading"

    # Verified by the identity provider (read-only).
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

    # Self-declared (the form). Text inputs are uncontrolled: ``form_version`` remounts them
    # with these values after loading and saving, never while the person is typing.
    phone: str = ""
    email: str = ""
    province_code: str = ""
    commune_code: str = ""
    street: str = ""
    preferred_locale: str = "vi"
    notify_email: bool = False
    form_version: int = 0
    communes: list[Option] = rx.field(default_factory=list)

    errors: dict[str, str] = rx.field(default_factory=dict)
    error_summary: list[SummaryError] = rx.field(default_factory=list)
    saved_message: str = ""
    restored: bool = False
    changes: list[ChangeRow] = rx.field(default_factory=list)

    # Backend only: what was typed when the session ended, and for whom.
    _draft: dict[str, Any] = rx.field(default_factory=dict)
    _draft_owner: int = 0
    _owner_id: int = 0

    # ---- derived, for the page ----
    @rx.var
    def commune_key(self) -> str:
        """Remounts the commune picker (emptied) whenever the province changes."""
        return f"{self.form_version}-{self.province_code}"

    @rx.var
    def phone_error(self) -> str:
        return self.errors.get("phone", "")

    @rx.var
    def email_error(self) -> str:
        return self.errors.get("email", "")

    @rx.var
    def province_error(self) -> str:
        return self.errors.get("province_code", "")

    @rx.var
    def commune_error(self) -> str:
        return self.errors.get("commune_code", "")

    @rx.var
    def street_error(self) -> str:
        return self.errors.get("street", "")

    @rx.var
    def locale_error(self) -> str:
        return self.errors.get("locale-vi", "")

    @rx.var
    def notify_error(self) -> str:
        return self.errors.get("notify_email", "")

    # ---- events ----
    @rx.event
    def load(self) -> EventSpec | None:
        self._clear_messages()
        user = session_user(self)
        if user is None:
            self._forget_person()
            self.status = "signed_out"
            return lost_session_response(self)
        with unit_of_work() as db:
            view = load_profile_view(db, user.user_id)
            changes = recent_profile_changes(db, user.user_id)
        self._show(user, view, changes)
        if self._draft and self._draft_owner == user.user_id:
            self._fill_form_from(self._draft)
            self.restored = True
        self._draft, self._draft_owner = {}, 0
        self.status = "ready"
        return None

    @rx.event
    def choose_province(self, code: str) -> None:
        self.province_code = code if admin_units.province_name(code) else ""
        self.commune_code = ""
        self.communes = commune_options(self.province_code)

    @rx.event
    def save(self, form_data: dict[str, Any]) -> EventSpec | None:
        self._clear_messages()
        user = session_user(self)
        if user is None:
            # Keep what they typed; the loader puts it back once the same person signs in again.
            self._draft, self._draft_owner = dict(form_data), self._owner_id
            return lost_session_response(self)
        changes = changes_from_form(form_data)
        with unit_of_work() as db:
            problems = update_profile(db, user.user_id, changes, user)
            if not problems:
                view = load_profile_view(db, user.user_id)
                history = recent_profile_changes(db, user.user_id)
        if problems:
            # The form keeps the typed values (no remount); only the messages change.
            self._fill_form_from(form_data, remount=False)
            self.errors, self.error_summary = field_errors(problems, self._t())
            return rx.call_script(
                "window.setTimeout(function () {"
                " var s = document.getElementById('error-summary'); if (s) { s.focus(); } }, 60)"
            )
        before = self.changes
        self._show(user, view, history)
        self.saved_message = self._t().gettext(SAVED if self.changes != before else NOTHING_CHANGED)
        return None

    # ---- helpers ----
    def _clear_messages(self) -> None:
        self.errors, self.error_summary, self.saved_message, self.restored = {}, [], "", False

    def _forget_person(self) -> None:
        """Nothing of a previous person stays on screen (this tab's state outlives page loads)."""
        for name, value in (
            ("full_name", ""), ("personal_id", ""), ("date_of_birth", ""), ("sex", ""),
            ("place_of_origin", ""), ("permanent_address", ""), ("assurance_level", 0), ("level_label", ""),
            ("level_explained", ""), ("level_upgrade", ""), ("refreshed_at", ""), ("verified_badge", ""), ("phone", ""),
            ("email", ""), ("province_code", ""), ("commune_code", ""), ("street", ""),
            ("notify_email", False), ("changes", []), ("communes", []),
        ):
            setattr(self, name, value)

    def _show(self, user: AuthenticatedUser, view: ProfileView, changes: Sequence[ProfileChange]) -> None:
        t = self._t()
        self._owner_id = user.user_id
        self.full_name = view.full_name
        self.personal_id = view.personal_id
        self.date_of_birth = t.format_date(view.date_of_birth) if view.date_of_birth else ""
        self.sex = t.gettext(SEX_LABELS[view.sex]) if view.sex else ""
        self.place_of_origin = view.place_of_origin or ""
        self.permanent_address = describe_address(view.permanent_address)
        self.assurance_level = view.assurance_level
        self.level_label = t.render(Msg(LEVEL_LABEL, {"level": view.assurance_level}))
        self.level_explained = t.gettext(LEVEL_EXPLAINED.get(view.assurance_level, LEVEL_EXPLAINED[1]))
        # assurance_message words it for a service page ("This service needs…"); here the same
        # rule decides, and the account page says it in its own words.
        needs_upgrade = assurance_message(view.assurance_level, 2) is not None
        self.level_upgrade = " ".join((t.gettext(LEVEL_2_UNLOCKS), t.gettext(LEVEL_2_HOW))) if needs_upgrade else ""
        self.refreshed_at = (
            t.render(Msg(REFRESHED_AT, {
                "time": t.format_datetime(view.identity_refreshed_at), "provider": view.verified_by,
            }))
            if view.identity_refreshed_at
            else ""
        )
        self.verified_badge = t.render(view.verified_label())
        current = view.current_address
        self.phone = view.phone or ""
        self.email = view.email or ""
        self.province_code = current.province_code if current else ""
        self.commune_code = current.commune_code if current else ""
        self.street = current.street if current else ""
        self.preferred_locale = view.preferred_locale if view.preferred_locale in LANGUAGE_NAMES else "vi"
        self.notify_email = view.notify_email
        self.communes = commune_options(self.province_code)
        self.changes = change_rows(changes, t)
        self.form_version += 1

    def _fill_form_from(self, form: Mapping[str, Any], *, remount: bool = True) -> None:
        changes = changes_from_form(form)
        address = changes["current_address"]
        self.phone, self.email = changes["phone"], changes["email"]
        self.province_code = address["province_code"] if admin_units.province_name(address["province_code"]) else ""
        self.commune_code, self.street = address["commune_code"], address["street"]
        locale = changes["preferred_locale"]
        self.preferred_locale = locale if locale in LANGUAGE_NAMES else self.preferred_locale
        self.notify_email = changes["notify_email"]
        self.communes = commune_options(self.province_code)
        if remount:
            self.form_version += 1
