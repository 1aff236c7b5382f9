"""Pieces the citizen's tracking pages share: the signed-out box and the status tag."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.base import AppState
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href
from citizen_app.ui.shell import href


def signed_out(t: Translator, lead: str, testid: str) -> rx.Component:
    """Sign in to see your own applications; or look one up without signing in."""
    _ = t.gettext
    return rx.cond(
        AppState.session_expired,
        rx.fragment(),  # the session notice says why, with its own sign-in link
        rx.el.div(
            rx.el.p(lead),
            rx.el.div(
                # A document navigation: /auth/login is a server route.
                document_link(
                    rx.icon("log-in", size=20, aria_hidden="true"),
                    _("Sign in with VNeID"),
                    href=sign_in_href(),
                    class_name="button",
                    data_testid=f"{testid}-sign-in",
                ),
                app_link(
                    rx.icon("search", size=20, aria_hidden="true"),
                    rx.el.span(_("Track an application without signing in")),
                    to=href(t, "/track"),
                    class_name="button button-secondary",
                    testid=f"{testid}-track",
                ),
                class_name="actions",
            ),
            class_name="stack",
            data_testid=testid,
        ),
    )


def status_tag(text: rx.Var, css: rx.Var, testid: rx.Var | str) -> rx.Component:
    return rx.el.span(text, class_name=css, data_testid=testid)
