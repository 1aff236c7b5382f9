"""What every staff page wraps its content in: shown only once the server-side guard allowed it."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.base import AppState
from citizen_app.states.staff import StaffState
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import href


def not_allowed(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.h2(_("You cannot open this page"), class_name="notice-title"),
        rx.el.p(StaffState.denied_message, data_testid="staff-denied-message"),
        rx.el.p(
            StaffState.denied_who,
            " ",
            _("If you work at a one-stop counter, sign out and sign in again with your staff account."),
        ),
        rx.el.p(app_link(_("Go to the home page"), to=href(t, "/"), testid="staff-denied-home")),
        class_name="notice notice-error",
        role="alert",
        data_testid="staff-denied",
    )


def guarded(t: Translator, *content: rx.Component) -> rx.Component:
    """``content`` while ``StaffState.access == "allowed"``; otherwise why not, in the page's language."""
    _ = t.gettext
    return rx.fragment(
        session_ended_notice(t),
        rx.match(
            StaffState.access,
            ("allowed", rx.fragment(*content)),
            ("denied", not_allowed(t)),
            (
                "signed_out",
                rx.cond(
                    AppState.session_expired,
                    rx.fragment(),
                    rx.el.p(
                        _("This page is for public service staff. Sign in with your staff account."),
                        " ",
                        app_link(_("Sign in"), to=sign_in_href(), reload_document=True, testid="staff-sign-in"),
                    ),
                ),
            ),
            rx.el.p(_("Checking your access…"), class_name="hint", role="status", data_testid="staff-checking"),
        ),
    )
