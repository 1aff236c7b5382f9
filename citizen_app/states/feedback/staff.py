"""``/{locale}/staff/feedback`` and ``/{locale}/staff/feedback/{code}``: the competent unit's inbox, one
message, its answer, and (for supervisors) publication. Every handler asks the staff guard first and
the core checks again who may act (``core.feedback.handling``)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.dossiers import Actor
from citizen_app.core.feedback import handling
from citizen_app.core.feedback.errors import FeedbackError, FeedbackInvalid
from citizen_app.core.i18n import N_, Msg
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.staff import StaffState
from citizen_app.ui import feedback_view as fv

VIEW_LABELS = {
    "open": N_("To answer"),
    "answered": N_("Answered, not published"),
    "published": N_("Published"),
    "declined": N_("Not taken up"),
    "all": N_("All"),
}
ANSWERED = N_("Your answer was sent. The sender sees it when following the feedback.")
DECLINED = N_("The feedback was marked as not taken up. The sender sees your reason.")
PUBLISHED = N_("Published on the public list, without personal data.")
UNPUBLISHED = N_("Taken off the public list.")
PAGE_TEXT = N_("Page {page}")


class StaffFeedbackState(StaffState):
    view: str = "open"
    page: int = 0
    view_options: list[fv.Choice] = []  # noqa: RUF012
    items: list[fv.InboxItem] = []  # noqa: RUF012
    total_text: str = ""
    page_text: str = ""
    has_next: bool = False
    has_previous: bool = False

    message: fv.MessageView = fv.MessageView()
    found: bool = False
    can_answer: bool = False
    can_publish: bool = False
    can_unpublish: bool = False
    draft_title: str = ""
    draft_question: str = ""
    draft_answer: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    notice: str = ""
    form_key: int = 0

    def _actor(self, action: str) -> Actor | None:
        user = self._staff_user(action=action)
        return Actor.staff(user) if user is not None else None

    # --- the inbox ---------------------------------------------------------------------------------------

    def _show_inbox(self, actor: Actor) -> None:
        t = self._t()
        with unit_of_work() as db:
            found = handling.inbox(db, actor, view=self.view, page=self.page, now=utcnow())
        self.view_options = [fv.Choice(key, t.gettext(label)) for key, label in VIEW_LABELS.items()]
        self.items = fv.inbox_items(found.rows, t)
        self.total_text = t.ngettext("{count} message", "{count} messages", found.total).format(
            count=t.format_number(found.total)
        )
        self.page_text = t.render(Msg(PAGE_TEXT, {"page": found.page + 1}))
        self.has_next, self.has_previous = found.has_next, found.page > 0

    @rx.event
    def load_inbox(self) -> EventSpec | None:
        actor = self._actor("staff.feedback.inbox")
        if actor is None:
            return self._refusal()
        chosen = str(self.router.url.query_parameters.get("view", "") or "open")
        self.view = chosen if chosen in handling.VIEWS else "open"
        self.page = 0
        self._show_inbox(actor)
        return None

    @rx.event
    def change_view(self, value: str) -> EventSpec | None:
        actor = self._actor("staff.feedback.inbox")
        if actor is None:
            return self._refusal()
        self.view = value if value in handling.VIEWS else "open"
        self.page = 0
        self._show_inbox(actor)
        return None

    @rx.event
    def next_page(self) -> EventSpec | None:
        actor = self._actor("staff.feedback.inbox")
        if actor is None:
            return self._refusal()
        self.page += 1
        self._show_inbox(actor)
        return None

    @rx.event
    def previous_page(self) -> EventSpec | None:
        actor = self._actor("staff.feedback.inbox")
        if actor is None:
            return self._refusal()
        self.page = max(self.page - 1, 0)
        self._show_inbox(actor)
        return None

    # --- one message -------------------------------------------------------------------------------------

    def _code(self) -> str:
        return str(self.router.page.params.get("code", "") or "")

    def _show_message(self, actor: Actor) -> None:
        t = self._t()
        try:
            with unit_of_work() as db:
                item = handling.open_feedback(db, self._code(), actor, now=utcnow())
        except FeedbackError as problem:
            self.found = False
            self.notice = self._render(problem.message)
            return
        self.found = True
        self.message = fv.message_view(item, t)
        self.can_answer = item.can_answer
        self.can_publish = item.can_publish
        self.can_unpublish = item.can_unpublish
        self.draft_title, self.draft_question, self.draft_answer = (
            item.draft_public_title, item.draft_public_question, item.draft_public_answer,
        )
        self.form_key += 1

    @rx.event
    def load_message(self) -> EventSpec | None:
        actor = self._actor("staff.feedback.open")
        if actor is None:
            return self._refusal()
        self.errors, self.notice = {}, ""
        self._show_message(actor)
        return None

    def _act(self, action: str, run: Any, done: str) -> EventSpec | None:
        actor = self._actor(f"staff.feedback.{action}")
        if actor is None:
            return self._refusal()
        self.errors, self.notice = {}, ""
        try:
            with unit_of_work() as db:
                run(db, actor)
        except FeedbackInvalid as invalid:
            self.errors = {name: self._render(message) for name, message in invalid.errors.items()}
            return None
        except FeedbackError as problem:
            self.notice = self._render(problem.message)
            return None
        self._show_message(actor)
        self.notice = self._t().gettext(done)
        return None

    @rx.event
    def answer(self, form_data: dict[str, Any]) -> EventSpec | None:
        text = str(form_data.get("answer") or "")
        return self._act("answer", lambda db, actor: handling.answer(db, self._code(), actor, text, now=utcnow()),
                         ANSWERED)

    @rx.event
    def decline(self, form_data: dict[str, Any]) -> EventSpec | None:
        reason = str(form_data.get("reason") or "")
        return self._act("decline", lambda db, actor: handling.decline(db, self._code(), actor, reason, now=utcnow()),
                         DECLINED)

    @rx.event
    def publish(self, form_data: dict[str, Any]) -> EventSpec | None:
        title, question, answer = (str(form_data.get(name) or "") for name in
                                   ("public_title", "public_question", "public_answer"))
        return self._act(
            "publish",
            lambda db, actor: handling.publish(db, self._code(), actor, title=title, question=question,
                                               answer_text=answer, now=utcnow()),
            PUBLISHED,
        )

    @rx.event
    def unpublish(self) -> EventSpec | None:
        return self._act("unpublish", lambda db, actor: handling.unpublish(db, self._code(), actor, now=utcnow()),
                         UNPUBLISHED)

