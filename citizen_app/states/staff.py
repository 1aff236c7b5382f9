"""The base of every staff page's state: the server-side guard.

Hiding a link protects nothing, so every staff loader and every staff event handler
asks the core first (``require_staff`` / ``require_role``), with the session read
from the HttpOnly cookie. A refusal of a signed-in person is written to the audit
trail (``outcome="denied"``) and the page says plainly that it is for staff only.
Someone not signed in is sent to sign in (not audited: anyone can knock, and the
trail must not be floodable anonymously).

For the next staff page::

    class QueueState(StaffState):
        @rx.event
        def load(self) -> EventSpec | None:
            user = self._staff_user(action="staff.queue.view")
            if user is None:
                return self._refusal()
            ...

        @rx.event
        def call_next(self) -> EventSpec | None:
            user = self._staff_user(action="staff.queue.call_next", role="counter_officer",
                                    target_type="queue")
            if user is None:
                return self._refusal()
            ...

    PAGE = Page(route="/staff/queue", ..., on_load=QueueState.load)

and wrap the page's content in ``pages.staff.layout.guarded(t, ...)``, which shows the
not-allowed notice, the session notice or a "checking" line until the guard allowed.
"""

from __future__ import annotations

import logging

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import admin_units
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.identity.denials import record_denial
from citizen_app.core.identity.permissions import PermissionDenied, require_role, require_staff
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.engine import unit_of_work
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user

log = logging.getLogger(__name__)

STAFF_ROLE_LABELS = {"counter_officer": N_("Counter officer"), "supervisor": N_("Supervisor")}
UNIT_LEVEL_LABELS = {
    "commune": N_("Commune or ward"),
    "province": N_("Province or city"),
    "police": N_("Commune police"),  # issue 12
    "social_insurance": N_("Social insurance agency"),  # issue 12
}
NO_UNIT = N_("No unit recorded")
SIGNED_IN_AS = N_("You are signed in as {name}.")


def unit_description(user: AuthenticatedUser, t: Translator) -> str:
    """``Phường Ba Đình, Thành phố Hà Nội`` for a commune counter; the province's name for a province one."""
    if user.unit_level in ("commune", "police"):
        name = admin_units.describe(user.unit_code)
    elif user.unit_level in ("province", "social_insurance"):
        name = admin_units.province_name(user.unit_code)
    else:
        name = None
    return name or (user.unit_code or t.gettext(NO_UNIT))


def role_description(user: AuthenticatedUser, t: Translator) -> str:
    return ", ".join(t.gettext(label) for role, label in STAFF_ROLE_LABELS.items() if role in user.roles)


class StaffState(AppState):
    """Parent of every staff page state. Its vars are shared by all of them (Reflex substates)."""

    # checking → allowed | denied | signed_out
    access: str = "checking"
    denied_message: str = ""
    denied_who: str = ""
    officer_name: str = ""
    officer_roles: str = ""
    officer_unit_level: str = ""
    officer_unit: str = ""

    def _staff_user(
        self,
        *,
        action: str,
        role: str | None = None,
        target_type: str = "page",
        target_id: str | None = None,
    ) -> AuthenticatedUser | None:
        """The signed-in staff member, or None after recording and showing why not.

        ``role`` narrows to one role (``counter_officer`` or ``supervisor``; roles do
        not imply each other). ``target_id`` defaults to the page's path.
        """
        user = session_user(self)
        try:
            allowed = require_role(user, role) if role else require_staff(user)
        except PermissionDenied as denied:
            self._forget_officer()
            if denied.user is None:
                self.access = "signed_out"
                log.info("staff %s refused: not signed in", action)
                return None
            with unit_of_work() as db:
                record_denial(
                    db, denied, action=action, target_type=target_type, target_id=target_id or self.router.url.path
                )
            self.access = "denied"
            self.denied_message = self._render(denied.message)
            self.denied_who = self._render(Msg(SIGNED_IN_AS, {"name": denied.user.display_name}))
            return None
        self._show_officer(allowed)
        self.access = "allowed"
        return allowed

    def _refusal(self) -> EventSpec | None:
        """After ``_staff_user`` returned None: sign in (or the session notice), else stay on the notice."""
        if self.access == "signed_out":
            return lost_session_response(self)
        return None

    def _show_officer(self, user: AuthenticatedUser) -> None:
        t = self._t()
        self.denied_message = self.denied_who = ""
        self.officer_name = user.display_name
        self.officer_roles = role_description(user, t)
        self.officer_unit_level = t.gettext(UNIT_LEVEL_LABELS.get(user.unit_level or "", NO_UNIT))
        self.officer_unit = unit_description(user, t)

    def _forget_officer(self) -> None:
        self.officer_name = self.officer_roles = self.officer_unit_level = self.officer_unit = ""

    @rx.event
    def guard(self) -> EventSpec | None:
        """on_load for a staff page without a loader of its own: any staff role may look."""
        if self._staff_user(action="staff.page") is None:
            return self._refusal()
        return None
