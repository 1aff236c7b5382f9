"""The notice shown when a session timed out (see citizen_app/states/session.py for the handler side)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.base import AppState
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href


def session_ended_notice(t: Translator, testid: str = "session-ended") -> rx.Component:
    """Shown while ``AppState.session_expired``: why, and a sign-in link back to this exact page."""
    _ = t.gettext
    return rx.cond(
        AppState.session_expired,
        rx.el.div(
            rx.el.h2(_("Your session has ended"), class_name="notice-title"),
            rx.el.p(
                _("Your session has ended to keep your data safe. Sign in again to continue — your answers are saved.")
            ),
            # A document navigation: /auth/login is a server route, not a page of the app.
            app_link(
                rx.icon("log-in", size=18, aria_hidden="true"),
                _("Sign in again"),
                to=sign_in_href(),
                reload_document=True,
                class_name="button",
                testid=f"{testid}-sign-in",
            ),
            class_name="notice notice-warning",
            role="alert",
            data_testid=testid,
        ),
    )
