"""State of the audit log page for supervisors, ``/{locale}/staff/audit?officer=…&action=…&outcome=…&from=…&to=…``.

Read-only: the trail is append-only and nothing here can change it. Supervisors only (the
guard, and ``core.staff_audit`` checks the role again and logs any refusal).
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.staff_audit import AuditFilters, area_actions, area_officers, staff_audit_log
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.states.staff_dashboard import supervisor_only
from citizen_app.ui.staff_view import OUTCOME_LABELS, AuditEntryView, Choice, action_name, entry_view

EVERYONE = N_("All staff")
ANY_ACTION = N_("Any action")
ANY_OUTCOME = N_("Any outcome")
COUNT = N_("{count} entries")
NONE = N_("No entries match.")
PAGE_OF = N_("Page {page} of {pages}")


class StaffAuditState(StaffState):
    entries: list[AuditEntryView] = rx.field(default_factory=list)
    officer_choices: list[Choice] = rx.field(default_factory=list)
    action_choices: list[Choice] = rx.field(default_factory=list)
    outcome_choices: list[Choice] = rx.field(default_factory=list)
    officer: str = ""
    action: str = ""
    outcome: str = ""
    day_from: str = ""
    day_to: str = ""
    count_text: str = ""
    page_text: str = ""
    page: int = 1
    has_previous: bool = False
    has_next: bool = False
    loaded: bool = False

    def _filters(self) -> AuditFilters:
        return AuditFilters.from_query(
            {"officer": self.officer, "action": self.action, "outcome": self.outcome, "from": self.day_from,
             "to": self.day_to}
        )

    def _run(self, filters: AuditFilters, page: int) -> EventSpec | None:
        user = supervisor_only(self, "staff.audit.view")
        if user is None:
            self.entries, self.loaded = [], False
            return self._refusal()
        t = self._t()
        actor = Actor.staff(user, "supervisor")
        try:
            with unit_of_work() as db:
                result = staff_audit_log(db, actor, filters, page=page)
                officers = area_officers(db, actor)
                actions = area_actions(db, actor)
        except AccessDenied as refused:
            self.access = "denied"
            self.denied_message = self._render(refused.message)
            return None
        self.officer = str(filters.officer_id) if filters.officer_id is not None else ""
        self.action, self.outcome = filters.action, filters.outcome
        self.day_from = filters.day_from.isoformat() if filters.day_from else ""
        self.day_to = filters.day_to.isoformat() if filters.day_to else ""
        self.entries = [entry_view(row, t) for row in result.rows]
        self.page = result.page
        self.has_previous, self.has_next = result.page > 1, result.page < result.pages
        self.count_text = (
            t.gettext(NONE) if result.total == 0 else t.render(Msg(COUNT, {"count": t.format_number(result.total)}))
        )
        self.page_text = t.render(Msg(PAGE_OF, {"page": result.page, "pages": result.pages})) if result.pages > 1 else ""
        self.officer_choices = [Choice("", t.gettext(EVERYONE)), *[Choice(str(o.user_id), o.name) for o in officers]]
        self.action_choices = [
            Choice("", t.gettext(ANY_ACTION)),
            *[Choice(a, action_name(a, t)) for a in actions],
        ]
        self.outcome_choices = [
            Choice("", t.gettext(ANY_OUTCOME)), *[Choice(k, t.gettext(v)) for k, v in OUTCOME_LABELS.items()]
        ]
        self.loaded = True
        query = filters.as_query()
        if result.page > 1:
            query["page"] = str(result.page)
        href = f"/{self.locale}/staff/audit" + (f"?{urlencode(query)}" if query else "")
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")

    @rx.event
    def load(self) -> EventSpec | None:
        query = dict(self.router.url.query_parameters)
        page = str(query.get("page") or "1")
        return self._run(AuditFilters.from_query(query), int(page) if page.isdigit() else 1)

    @rx.event
    def change_filter(self, name: str, value: str) -> EventSpec | None:
        current = {"officer": self.officer, "action": self.action, "outcome": self.outcome, "from": self.day_from,
                   "to": self.day_to}
        if name not in current:
            return None
        if name in ("from", "to") and value:
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        current[name] = value
        return self._run(AuditFilters.from_query(current), 1)

    @rx.event
    def clear_filters(self) -> EventSpec | None:
        return self._run(AuditFilters(), 1)

    @rx.event
    def previous_page(self) -> EventSpec | None:
        return self._run(self._filters(), max(1, self.page - 1))

    @rx.event
    def next_page(self) -> EventSpec | None:
        return self._run(self._filters(), self.page + 1)


__all__ = ["StaffAuditState"]
