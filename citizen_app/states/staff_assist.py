"""Assisted submission at the counter, ``/{locale}/staff/assist``: find the citizen, choose the procedure, start.

The form itself is the apply-online flow (``/{locale}/apply/{draft}/…``): the draft records the
officer as registrar, so those pages act as the officer for the citizen (core
``dossiers.assisted.acting_on``), prefilled from the *citizen's* profile, and submitting
it at the desk receives it at once (channel ``counter``). Its confirmation page links to the
receipt to print.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.agencies import parse_agency_code
from citizen_app.core.catalog import get_catalog
from citizen_app.core.dossiers import AccessDenied, DossierError, ProcedureTerms
from citizen_app.core.dossiers.assisted import find_applicant, start_assisted
from citizen_app.core.dossiers.queries import staff_agency_code
from citizen_app.core.dossiers.routing import receivable_levels
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.i18n import N_
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.ui.apply_view import describe_address, flow_href
from citizen_app.ui.staff_view import Choice

NOT_FOUND = N_(
    "No one with this ID number has signed in to the app yet. Ask them to sign in once with VNeID, "
    "or receive the application on paper."
)
ENTER_ID = N_("Enter the 12-digit personal ID number.")
CHOOSE_PROCEDURE = N_("Choose the procedure.")
NO_DESK = N_("Your account has no counter unit, so you cannot receive applications here.")


class StaffAssistState(StaffState):
    procedures: list[Choice] = rx.field(default_factory=list)
    citizen_name: str = ""
    citizen_born: str = ""
    citizen_address: str = ""
    citizen_level: str = ""
    found: bool = False
    find_error: str = ""
    start_error: str = ""
    # Remounts the search box when the person is cleared.
    search_key: int = 0

    _citizen_id: int = 0

    def _desk(self, action: str) -> Any:
        return self._staff_user(action=action, role="counter_officer", target_type="assist")

    @rx.event
    def load(self) -> EventSpec | None:
        self.find_error = self.start_error = ""
        user = self._desk("staff.assist.view")
        if user is None:
            self._forget()
            return self._refusal()
        t = self._t()
        code = staff_agency_code(desk_actor(user))
        levels = receivable_levels(parse_agency_code(code)) if code else frozenset()
        self.procedures = sorted(
            (
                Choice(p.code, f"{t.pick(p.name)} ({p.code})")
                for p in get_catalog().curated()
                if p.can_apply_online and p.level in levels
            ),
            key=lambda c: c.label,
        )
        if not levels:
            self.start_error = t.gettext(NO_DESK)
        return None

    def _forget(self) -> None:
        self._citizen_id = 0
        self.found = False
        self.citizen_name = self.citizen_born = self.citizen_address = self.citizen_level = ""

    @rx.event
    def find(self, form_data: dict[str, Any]) -> EventSpec | None:
        user = self._desk("staff.assist.find")
        if user is None:
            return self._refusal()
        t = self._t()
        self._forget()
        self.find_error = self.start_error = ""
        personal_id = "".join(str(form_data.get("personal_id") or "").split())
        if not personal_id:
            self.find_error = t.gettext(ENTER_ID)
            return None
        with unit_of_work() as db:
            found = find_applicant(db, desk_actor(user), personal_id)
        if found is None:
            self.find_error = t.gettext(NOT_FOUND)
            return None
        profile = found.profile
        self._citizen_id = found.user_id
        self.found = True
        self.citizen_name = profile.full_name
        self.citizen_born = t.format_date(profile.date_of_birth) if profile.date_of_birth else ""
        address = profile.permanent_address
        self.citizen_address = describe_address(address.as_answer()) if address else ""
        self.citizen_level = f"VNeID {profile.assurance_level}"
        return None

    @rx.event
    def clear(self) -> None:
        self._forget()
        self.find_error = self.start_error = ""
        self.search_key += 1

    @rx.event
    def start(self, form_data: dict[str, Any]) -> EventSpec | None:
        user = self._desk("staff.assist.start")
        if user is None:
            return self._refusal()
        t = self._t()
        self.start_error = ""
        if not self._citizen_id:
            return None
        code = str(form_data.get("procedure") or "")
        procedure = get_catalog().get(code)
        if procedure is None or not procedure.can_apply_online or code not in {c.value for c in self.procedures}:
            self.start_error = t.gettext(CHOOSE_PROCEDURE)
            return None
        terms = ProcedureTerms.from_procedure(procedure)
        try:
            with unit_of_work() as db:
                view = start_assisted(db, desk_actor(user), terms, self._citizen_id, now=utcnow())
        except AccessDenied:
            self.start_error = t.gettext(NO_DESK)
            return None
        except DossierError as refused:
            self.start_error = self._render(refused.message)
            return None
        first = terms.form.steps[0].id if view.created else ""
        return rx.redirect(flow_href(self.locale, view.dossier_id, first))
