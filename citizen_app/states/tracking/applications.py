"""``/{locale}/applications`` (My applications) and ``/{locale}/notifications``.

Both show only the signed-in citizen's own rows: the core's queries take the user from the
session cookie, read again by every loader and handler, never an id sent by the page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core import dossiers, notifications
from citizen_app.core.dossiers import AccessDenied, Actor, DossierNotFound, InvalidTransition
from citizen_app.core.dossiers.citizen_view import citizen_applications
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.sessions import AuthenticatedUser
from citizen_app.db.base import utcnow
from citizen_app.db.engine import unit_of_work
from citizen_app.states.base import AppState
from citizen_app.states.session import lost_session_response, session_user
from citizen_app.ui.tracking_view import (
    ApplicationRow,
    DraftRow,
    NotificationRow,
    application_rows,
    draft_rows,
    notification_rows,
)

DRAFT_DISCARDED = N_("Your draft of “{procedure}” was deleted.")
ALL_READ = N_("All your notifications are marked as read.")


class ApplicationsState(AppState):
    """My applications: drafts, in progress, finished, and how many notifications are unread."""

    # loading | ready | signed_out
    status: str = "loading"
    drafts: list[DraftRow] = rx.field(default_factory=list)
    in_progress: list[ApplicationRow] = rx.field(default_factory=list)
    finished: list[ApplicationRow] = rx.field(default_factory=list)
    unread: int = 0
    # The draft whose Delete was pressed once (asks to confirm), and what happened.
    confirm_discard: int = 0
    message: str = ""

    @rx.var
    def empty(self) -> bool:
        return not (self.drafts or self.in_progress or self.finished)

    @rx.event
    def load(self) -> Any:
        self.confirm_discard, self.message = 0, ""
        return self._refresh()

    def _refresh(self) -> Any:
        user = session_user(self)
        if user is None:
            self.status = "signed_out"
            self.drafts, self.in_progress, self.finished, self.unread = [], [], [], 0
            return None
        t = self._t()
        with unit_of_work() as db:
            mine = citizen_applications(db, Actor.citizen(user), utcnow())
            unread_by = notifications.unread_by_dossier(db, user.user_id)
        self.drafts = draft_rows(mine.drafts, t)
        self.in_progress = application_rows(mine.in_progress, t, unread_by)
        self.finished = application_rows(mine.finished, t, unread_by)
        self.unread = sum(unread_by.values())
        self.status = "ready"
        return None

    @rx.event
    def ask_discard(self, draft_id: int) -> None:
        self.confirm_discard = int(draft_id)
        self.message = ""

    @rx.event
    def keep_draft(self) -> None:
        self.confirm_discard = 0

    @rx.event
    def discard(self, draft_id: int) -> Any:
        """Delete a draft (and its files). The core checks it is this citizen's and still a draft."""
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        draft_id = int(draft_id)
        if draft_id != self.confirm_discard:
            return None
        procedure = next((d.procedure for d in self.drafts if d.id == draft_id), "")
        self.confirm_discard = 0
        try:
            with unit_of_work() as db:
                dossiers.discard_draft(db, draft_id, Actor.citizen(user))
        except (AccessDenied, DossierNotFound, InvalidTransition):
            # Not theirs, gone already, or sent meanwhile: the fresh list below says how things are.
            return self._refresh()
        self.message = self._render(Msg(DRAFT_DISCARDED, {"procedure": procedure}))
        return self._refresh()


class NotificationsState(AppState):
    """``/{locale}/notifications``: newest first; opening a dossier marks its notifications read."""

    status: str = "loading"
    items: list[NotificationRow] = rx.field(default_factory=list)
    unread: int = 0
    message: str = ""

    @rx.event
    def load(self) -> Any:
        self.message = ""
        user = session_user(self)
        if user is None:
            self.status, self.items, self.unread = "signed_out", [], 0
            return None
        self._fill(user)
        return None

    def _fill(self, user: AuthenticatedUser) -> None:
        with unit_of_work() as db:
            listed = notifications.list_for(db, user.user_id)
            self.unread = notifications.unread_count(db, user.user_id)
        self.items = notification_rows(listed, self._t())
        self.status = "ready"

    @rx.event
    def mark_all_read(self) -> Any:
        user = session_user(self)
        if user is None:
            return lost_session_response(self)
        with unit_of_work() as db:
            notifications.mark_read(db, user.user_id, now=utcnow())
        self._fill(user)
        self.message = self._t().gettext(ALL_READ)
        return None
