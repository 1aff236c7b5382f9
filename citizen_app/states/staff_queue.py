"""State of the counter queue, ``/{locale}/staff/queue?status=…&procedure=…&channel=…&overdue=1&page=N``.

The filters live in the address, so a reload or a shared link shows the same queue; changing
one reloads the list and *replaces* the address (no history entry per click). The query and
its scope are the core's (``core.dossiers.staff_queue``): one commune's officer never gets
another commune's dossiers, whatever the address says.
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dossiers import status_label
from citizen_app.core.dossiers.staff_desk import desk_actor
from citizen_app.core.dossiers.staff_queue import (
    ALL,
    OPEN,
    QUEUE_STATUSES,
    QueueFilters,
    queue_procedures,
    staff_queue,
)
from citizen_app.core.i18n import N_, Msg
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.ui.staff_view import Choice, QueueItemView, procedure_name, queue_item

COUNT = N_("{count} applications")
ONE = N_("1 application")
NONE = N_("No applications match.")
PAGE_OF = N_("Page {page} of {pages}")
OPEN_LABEL = N_("Open (not finished)")
ALL_LABEL = N_("All statuses")
ANY_PROCEDURE = N_("Any procedure")
ANY_CHANNEL = N_("Online and at the counter")


class StaffQueueState(StaffState):
    items: list[QueueItemView] = rx.field(default_factory=list)
    count_text: str = ""
    page_text: str = ""
    page: int = 1
    has_previous: bool = False
    has_next: bool = False
    status: str = OPEN
    procedure: str = ""
    channel: str = ""
    overdue: bool = False
    status_choices: list[Choice] = rx.field(default_factory=list)
    procedure_choices: list[Choice] = rx.field(default_factory=list)
    loaded: bool = False

    def _filters(self) -> QueueFilters:
        return QueueFilters(status=self.status, procedure=self.procedure, channel=self.channel, overdue=self.overdue)

    def _run(self, filters: QueueFilters, page: int) -> EventSpec | None:
        user = self._staff_user(action="staff.queue.view", target_type="queue")
        if user is None:
            self.items, self.loaded = [], False
            return self._refusal()
        t = self._t()
        actor = desk_actor(user)
        with unit_of_work() as db:
            result = staff_queue(db, actor, filters, now=utcnow(), page=page)
            procedures = queue_procedures(db, actor)
        self.status, self.procedure, self.channel, self.overdue = (
            filters.status, filters.procedure, filters.channel, filters.overdue,
        )
        if filters.procedure and filters.procedure not in procedures:
            procedures = [*procedures, filters.procedure]
        self.items = [queue_item(row, t) for row in result.rows]
        self.page = result.page
        self.has_previous, self.has_next = result.has_previous, result.has_next
        self.count_text = (
            t.gettext(NONE) if result.total == 0
            else t.gettext(ONE) if result.total == 1
            else t.render(Msg(COUNT, {"count": t.format_number(result.total)}))
        )
        self.page_text = t.render(Msg(PAGE_OF, {"page": result.page, "pages": result.pages})) if result.pages > 1 else ""
        self.status_choices = [
            Choice(OPEN, t.gettext(OPEN_LABEL)),
            *[Choice(s, t.render(status_label(s))) for s in QUEUE_STATUSES],
            Choice(ALL, t.gettext(ALL_LABEL)),
        ]
        self.procedure_choices = [
            Choice("", t.gettext(ANY_PROCEDURE)),
            *[Choice(code, f"{procedure_name(code, None, t)} ({code})") for code in procedures],
        ]
        self.loaded = True
        return _replace_address(self._href(filters, result.page))

    def _href(self, filters: QueueFilters, page: int) -> str:
        query = filters.as_query()
        if page > 1:
            query["page"] = str(page)
        base = f"/{self.locale}/staff/queue"
        return f"{base}?{urlencode(query)}" if query else base

    @rx.event
    def load(self) -> EventSpec | None:
        query = dict(self.router.url.query_parameters)
        page = str(query.get("page") or "1")
        return self._run(QueueFilters.from_query(query), int(page) if page.isdigit() else 1)

    @rx.event
    def change_filter(self, name: str, value: str) -> EventSpec | None:
        current = dataclasses.asdict(self._filters())
        if name not in current:
            return None
        current[name] = value
        return self._run(QueueFilters.from_query(current), 1)

    @rx.event
    def toggle_overdue(self, checked: bool) -> EventSpec | None:
        return self._run(dataclasses.replace(self._filters(), overdue=bool(checked)), 1)

    @rx.event
    def clear_filters(self) -> EventSpec | None:
        return self._run(QueueFilters(), 1)

    @rx.event
    def previous_page(self) -> EventSpec | None:
        return self._run(self._filters(), max(1, self.page - 1))

    @rx.event
    def next_page(self) -> EventSpec | None:
        return self._run(self._filters(), self.page + 1)

    @rx.var
    def open_href(self) -> str:
        return f"/{self.locale}/staff/open"


def _replace_address(href: str) -> EventSpec:
    return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")
