"""The start page of applying online, ``/{locale}/services/{code}/apply`` (GOV.UK "start page").

What you need (documents), what it costs and how long it takes; whether you may apply
here (signed in, with the VNeID level the procedure asks for); then "Start now", which
starts a draft or resumes the one already open for this procedure.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import dossiers
from citizen_app.core.catalog import get_catalog
from citizen_app.core.catalog.labels import working_days_label
from citizen_app.core.dossiers import Actor, ProcedureTerms
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.assurance import assurance_message
from citizen_app.core.identity.profile import load_profile_view
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.apply.views import code_from_start_path, flow_href
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui.catalog_view import IF_IT_APPLIES, REQUIRED, DocumentRow, money, quantity, service_href

NO_ONLINE_FORM = N_("This service cannot be applied for online. Apply at the agency.")
NO_SUCH_SERVICE = N_("There is no service with the code “{code}”.")
ONLINE_TIME = N_("{time} after your application is received, not counting weekends and public holidays.")
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
    # Why this person cannot start, and what to do (empty when they can).
    blocked: str = ""
    draft_notice: str = ""
    problem: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        t = self._t()
        code = code_from_start_path(self.router.url.path)
        procedure = get_catalog().get(code) if code else None
        self.draft_notice, self.blocked, self.problem = "", "", ""
        if procedure is None or not procedure.can_apply_online:
            self.status = "not_found"
            self.name = t.pick(procedure.name) if procedure else ""
            self.problem = (
                t.gettext(NO_ONLINE_FORM) if procedure else t.render(Msg(NO_SUCH_SERVICE, {"code": code[:40]}))
            )
            self.service_href = service_href(t.locale, procedure.code) if procedure else f"/{t.locale}/search"
            return _title(t.gettext("Apply online"), t.locale)
        terms = ProcedureTerms.from_procedure(procedure)
        self.code = procedure.code
        self.name = t.pick(procedure.name)
        self.summary = t.pick(procedure.summary) if procedure.summary else ""
        self.service_href = service_href(t.locale, procedure.code)
        self.agency = t.pick(procedure.agency) if procedure.agency else ""
        self.documents = [
            DocumentRow(
                name=t.pick(d.name),
                quantity=quantity(d.originals, d.copies, t),
                required=d.required,
                requirement=t.gettext(REQUIRED if d.required else IF_IT_APPLIES),
                note=t.pick(d.note) if d.note else "",
            )
            for d in procedure.documents
        ]
        self.fee = money(terms.fee_for("online"), t)
        days = terms.days_for("online")
        self.time = t.render(Msg(ONLINE_TIME, {"time": t.render(working_days_label(days))}))
        user = session_user(self)
        if user is not None:
            message = assurance_message(user, procedure.assurance_level)
            self.blocked = self._render(message) if message else ""
            if not self.blocked:
                with unit_of_work() as db:
                    mine = dossiers.applicant_dossiers(db, Actor.citizen(user))
                    draft = next((d for d in mine.drafts if d.procedure_code == procedure.code), None)
                    if draft is not None:
                        self.draft_notice = t.render(
                            Msg(DRAFT_OPEN, {"time": t.format_datetime(draft.last_touched_at)})
                        )
        self.status = "ready"
        return _title(f"{t.gettext('Apply online')} · {self.name}", t.locale)

    @rx.event
    def start(self) -> Any:
        """Start now: a new draft prefilled from the profile, or the open one for this procedure."""
        procedure = get_catalog().get(self.code) if self.code else None
        if procedure is None or not procedure.can_apply_online:
            return None
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        message = assurance_message(user, procedure.assurance_level)
        if message is not None:
            self.blocked = self._render(message)
            return None
        terms = ProcedureTerms.from_procedure(procedure)
        with unit_of_work() as db:
            profile = load_profile_view(db, user.user_id)
            view = dossiers.start_draft(db, Actor.citizen(user), terms, profile, now=utcnow())
        first = terms.form.steps[0].id if view.created else ""
        return rx.redirect(flow_href(self.locale, view.dossier_id, first))


def _title(title: str, locale: str) -> EventSpec:
    return rx.call_script(
        f"document.title = {json.dumps(title)}; document.documentElement.lang = {json.dumps(locale)};"
    )
