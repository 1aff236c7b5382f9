"""State of the audit log page for supervisors, ``/{locale}/staff/audit?officer=…&action=…&outcome=…&from=…&to=…``.

Read-only: the trail is append-only and nothing here can change it. Supervisors only (the
guard, and ``core.staff_audit`` checks the role again and logs any refusal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dossiers import AccessDenied, Actor
from citizen_app.core.dossiers.actions import audit_wording
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.core.staff_audit import AuditFilters, AuditRow, area_actions, area_officers, staff_audit_log
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.states.staff_dashboard import supervisor_only
from citizen_app.states.staff_views import ROLE_LABELS, Choice

EVERYONE = N_("All staff")
ANY_ACTION = N_("Any action")
ANY_OUTCOME = N_("Any outcome")
OUTCOME_LABELS = {"ok": N_("Done"), "denied": N_("Refused"), "failed": N_("Failed")}
COUNT = N_("{count} entries")
NONE = N_("No entries match.")
PAGE_OF = N_("Page {page} of {pages}")
# The human name of the commonest actions; the staff actions' own come from their declarations
# (``core.dossiers.actions``); anything else is shown as recorded.
AUDIT_ACTIONS = {
    "staff.dossier.open": N_("Opened an application (code or QR)"),
    "staff.dossier.view": N_("Viewed an application"),
    "staff.assist.find": N_("Looked a citizen up by ID number"),
    "staff.page": N_("Opened a staff page"),
    "dossier.submit": N_("Submitted for a citizen"),
    "dossier.start": N_("Started an application for a citizen"),
    "attachment.add": N_("Added a file"),
    "attachment.remove": N_("Removed a file"),
}


def action_name(action: str, t: Translator) -> str:
    wording = AUDIT_ACTIONS.get(action) or audit_wording(action)
    return t.gettext(wording) if wording else action


@dataclass
class AuditEntryView:
    id: int = 0
    when: str = ""
    who: str = ""
    role: str = ""
    action: str = ""
    target: str = ""
    outcome: str = ""
    outcome_key: str = ""
    detail: str = ""


def _detail(details: Mapping[str, Any]) -> str:
    """A short, safe summary of the recorded details (codes, statuses, reasons; no personal data is stored)."""
    parts = []
    for key in ("code", "from", "to", "method", "reason", "required", "slot", "stage"):
        value = details.get(key)
        if value not in (None, "", [], {}):
            parts.append(f"{key}: {value}")
    return ", ".join(parts)


def entry_view(row: AuditRow, t: Translator) -> AuditEntryView:
    return AuditEntryView(
        id=row.id,
        when=t.format_datetime(row.at),
        who=row.actor_name or str(row.actor_id or ""),
        role=t.gettext(ROLE_LABELS.get(row.actor_role, row.actor_role)) if row.actor_role else "",
        action=action_name(row.action, t),
        target=f"{row.target_type} {row.target_id}".strip(),
        outcome=t.gettext(OUTCOME_LABELS.get(row.outcome, row.outcome)),
        outcome_key=row.outcome,
        detail=_detail(row.details),
    )


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


__all__ = ["AuditEntryView", "StaffAuditState"]
