"""The start page of applying online, ``/{locale}/services/{code}/apply`` (GOV.UK "start page").

What you need (documents), what it costs and how long it takes; whether you may apply
here (signed in, with the VNeID level the procedure asks for) and, when you may not yet,
where to apply in person instead; then "Start now", which starts a draft or resumes the
one already open for this procedure.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.catalog import get_catalog
from citizen_app.core.dossiers import Actor
from citizen_app.core.dossiers import applying as core
from citizen_app.core.dossiers.citizen_view import citizen_applications, online_terms
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.assurance import assurance_message
from citizen_app.core.identity.profile import load_profile_view
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.apply.scripts import name_the_document
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui import start_view
from citizen_app.ui.apply_view import code_from_start_path, flow_href
from citizen_app.ui.catalog_view import DocumentRow, service_href

NO_ONLINE_FORM = N_("This service cannot be applied for online. Apply at the agency.")
NO_SUCH_SERVICE = N_("There is no service with the code “{code}”.")
DRAFT_OPEN = N_("You have an application for this service in progress, last saved {time}. Start now takes you back to it.")


class ApplyStartState(AppState):
    # loading | ready | not_found
    status: str = "loading"
    code: str = ""
    name: str = ""
    summary: str = ""
    service_href: str = ""
    agency: str = ""
    documents: list[DocumentRow] = rx.field(default_factory=list)
    fee: str = ""
    time: str = ""
    partial: str = ""
    # Why this person cannot start, and what to do (empty when they can); where to apply in person instead.
    blocked: str = ""
    in_person: str = ""
    in_person_terms: str = ""
    draft_notice: str = ""
    problem: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        t = self._t()
        code = code_from_start_path(self.router.url.path)
        procedure = get_catalog().get(code) if code else None
        terms = online_terms(code) if code else None
        self.draft_notice, self.blocked, self.in_person, self.in_person_terms, self.problem = "", "", "", "", ""
        if procedure is None or terms is None:
            self.status = "not_found"
            self.name = t.pick(procedure.name) if procedure else ""
            self.problem = (
                t.gettext(NO_ONLINE_FORM) if procedure else t.render(Msg(NO_SUCH_SERVICE, {"code": code[:40]}))
            )
            self.service_href = service_href(t.locale, procedure.code) if procedure else f"/{t.locale}/search"
            return name_the_document(t.gettext("Apply online"), t.locale)
        page = start_view.start_page(procedure, terms, t)
        self.code, self.name, self.summary, self.agency = procedure.code, page.name, page.summary, page.agency
        self.service_href, self.documents, self.fee, self.time = page.service_href, page.documents, page.fee, page.time
        self.partial = page.partial
        user = session_user(self)
        if user is not None:
            message = assurance_message(user, procedure.assurance_level)
            if message is not None:
                self.blocked = self._render(message)
                with unit_of_work() as db:
                    alternative = core.counter_alternative(terms, load_profile_view(db, user.user_id))
                self.in_person, self.in_person_terms = start_view.in_person(alternative, t)
            else:
                with unit_of_work() as db:
                    draft = citizen_applications(db, Actor.citizen(user), utcnow()).draft_for(procedure.code)
                if draft is not None:
                    self.draft_notice = t.render(Msg(DRAFT_OPEN, {"time": t.format_datetime(draft.last_touched_at)}))
        self.status = "ready"
        return name_the_document(f"{t.gettext('Apply online')} · {self.name}", t.locale)

    @rx.event
    def start(self) -> Any:
        """Start now: a new draft prefilled from the profile, or the open one for this procedure."""
        procedure = get_catalog().get(self.code) if self.code else None
        terms = online_terms(self.code) if self.code else None
        if procedure is None or terms is None:
            return None
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        message = assurance_message(user, procedure.assurance_level)
        if message is not None:
            self.blocked = self._render(message)
            return None
        with unit_of_work() as db:
            view = core.start(db, user, terms, now=utcnow())
        first = terms.form.steps[0].id if view.created else ""
        return rx.redirect(flow_href(self.locale, view.dossier_id, first))

