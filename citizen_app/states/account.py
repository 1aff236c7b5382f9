"""The account page: identity verified by VNeID (read-only), contact details (editable), recent changes.

Thin on purpose: the profile rules (validation, all-or-nothing save, audit) are
``core.identity.profile``'s; the wording is ``ui/account_view.py``'s. This state turns
events into those calls and their results into vars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import admin_units
from citizen_app.core.identity.csrf import form_token_for_cookies
from citizen_app.core.identity.history import ProfileChange, recent_profile_changes
from citizen_app.core.identity.profile import load_profile_view, update_profile
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.engine import unit_of_work
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui.account_view import (
    LANGUAGE_NAMES,
    NOTHING_CHANGED,
    SAVED,
    ChangeRow,
    Option,
    SummaryError,
    change_rows,
    changes_from_form,
    commune_options,
    field_errors,
    identity_view,
)


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
    # Goes with the sign-out form (core.identity.csrf).
    sign_out_token: str = ""

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
        self.sign_out_token = form_token_for_cookies(self.router.headers.cookie)
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
            ("email", ""), ("province_code", ""), ("commune_code", ""), ("street", ""), ("sign_out_token", ""),
            ("notify_email", False), ("changes", []), ("communes", []),
        ):
            setattr(self, name, value)

    def _show(self, user: AuthenticatedUser, view: ProfileView, changes: Sequence[ProfileChange]) -> None:
        self._owner_id = user.user_id
        for name, value in vars(identity_view(view, self._t())).items():
            setattr(self, name, value)
        current = view.current_address
        self.phone = view.phone or ""
        self.email = view.email or ""
        self.province_code = current.province_code if current else ""
        self.commune_code = current.commune_code if current else ""
        self.street = current.street if current else ""
        self.preferred_locale = view.preferred_locale if view.preferred_locale in LANGUAGE_NAMES else "vi"
        self.notify_email = view.notify_email
        self.communes = commune_options(self.province_code)
        self.changes = change_rows(changes, self._t())
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
