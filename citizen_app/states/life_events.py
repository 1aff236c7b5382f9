"""The life-event page of a linked group, ``/{locale}/life-events/{slug}`` (issue 12): what it covers, then Start now."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dossiers import applying as core
from citizen_app.core.dossiers.chain import group_terms
from citizen_app.core.life_events.groups import linked_group
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.apply.scripts import name_the_document
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui.apply_view import flow_href
from citizen_app.ui.life_event_view import GroupPart, group_page, slug_from_path


class LifeEventState(AppState):
    # loading | ready | not_found
    status: str = "loading"
    slug: str = ""
    name: str = ""
    summary: str = ""
    time: str = ""
    cutoff: str = ""
    parts: list[GroupPart] = rx.field(default_factory=list)

    @rx.event
    def load(self) -> EventSpec | None:
        t = self._t()
        group = linked_group(slug_from_path(self.router.url.path))
        if group is None:
            self.status = "not_found"
            return None
        page = group_page(group, t)
        self.slug, self.name, self.summary, self.time, self.cutoff = page.slug, page.name, page.summary, page.time, page.cutoff
        self.parts = page.parts
        self.status = "ready"
        return name_the_document(self.name, t.locale)

    @rx.event
    async def start(self) -> Any:
        """Start now, off the event loop: the prefill asks registries this server may answer itself."""
        return await asyncio.to_thread(self._start)

    def _start(self) -> Any:
        """The group's one form, prefilled; or the draft already open for it."""
        group = linked_group(self.slug) if self.slug else None
        if group is None:
            return None
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        terms = group_terms(group)
        with unit_of_work() as db:
            view = core.start(db, user, terms, now=utcnow())
        first = terms.form.steps[0].id if view.created else ""
        return rx.redirect(flow_href(self.locale, view.dossier_id, first))
