"""``/{locale}/feedback/track`` (follow one message by its code) and ``/{locale}/feedback/answers``
(the published answers, by topic and words). Lookups by code count against the public lookup's limit."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core import rate_limit
from citizen_app.core.feedback import public, rules
from citizen_app.core.i18n import N_
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.settings import get_settings
from citizen_app.states.base import AppState
from citizen_app.ui import feedback_view as view

ENTER_CODE = N_("Enter the tracking code from your confirmation, like PA-7K3Q-9X2M")
NOT_FOUND = N_("We could not find feedback with this code. Check it against your confirmation.")
TOO_MANY = N_("Too many lookups from your connection. Wait a minute, then try again.")
ALL_TOPICS = N_("All topics")


class FeedbackTrackState(AppState):
    # idle | invalid | found | not_found | limited
    outcome: str = "idle"
    message: str = ""
    initial_code: str = ""
    found: view.TrackView = view.TrackView()
    lookups: int = 0

    @rx.event
    def load(self) -> None:
        self.outcome, self.message = "idle", ""
        given = str(self.router.url.query_parameters.get("code", "") or "")
        self.initial_code = rules.normalize_code(given) or ""

    @rx.event
    def lookup(self, form_data: dict[str, Any]) -> None:
        self.lookups += 1
        t = self._t()
        code = rules.normalize_code(str(form_data.get("code") or "")[:40])
        if code is None:
            self.outcome, self.message = "invalid", t.gettext(ENTER_CODE)
            return
        now = utcnow()
        with unit_of_work() as db:
            decision = rate_limit.hit(db, rate_limit.LOOKUP, self.router.session.client_ip or "unknown",
                                      limit=get_settings().lookup_rate_limit_per_minute, now=now)
        if not decision.allowed:
            self.outcome, self.message = "limited", t.gettext(TOO_MANY)
            return
        with unit_of_work() as db:
            found = public.track(db, code, now=now)
        if found is None:
            self.outcome, self.message = "not_found", t.gettext(NOT_FOUND)
            return
        self.outcome, self.message = "found", ""
        self.found = view.track_view(found, t)


class PublicAnswersState(AppState):
    topic: str = ""
    query: str = ""
    page: int = 0
    topic_options: list[view.Choice] = []  # noqa: RUF012
    items: list[view.AnswerItem] = []  # noqa: RUF012
    total_text: str = ""
    has_next: bool = False
    form_key: int = 0

    def _show(self) -> EventSpec:
        t = self._t()
        with unit_of_work() as db:
            found = public.public_answers(db, topic=self.topic or None, query=self.query, page=self.page)
        self.topic_options = [view.Choice("", t.gettext(ALL_TOPICS)), *view.topic_choices(t)]
        self.items = view.answer_items(found.items, t)
        self.total_text = t.ngettext("{count} published answer", "{count} published answers", found.total).format(
            count=t.format_number(found.total)
        )
        self.has_next = found.has_next
        params = {key: value for key, value in (("topic", self.topic), ("q", self.query)) if value}
        if self.page:
            params["page"] = str(self.page)
        href = f"/{self.locale}/feedback/answers" + (f"?{urlencode(params)}" if params else "")
        return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")

    @rx.event
    def load(self) -> EventSpec:
        query = self.router.url.query_parameters
        topic = str(query.get("topic", "") or "")
        self.topic = topic if topic in rules.TOPICS else ""
        self.query = str(query.get("q", "") or "")[:200]
        page = str(query.get("page", "") or "0")
        self.page = min(int(page), 10_000) if page.isdigit() else 0
        self.form_key += 1
        return self._show()

    @rx.event
    def search(self, form_data: dict[str, Any]) -> EventSpec:
        topic = str(form_data.get("topic") or "")
        self.topic = topic if topic in rules.TOPICS else ""
        self.query = str(form_data.get("q") or "")[:200]
        self.page = 0
        return self._show()

    @rx.event
    def next_page(self) -> EventSpec:
        self.page += 1
        return self._show()

    @rx.event
    def previous_page(self) -> EventSpec:
        self.page = max(self.page - 1, 0)
        return self._show()
