"""The frame every page of one draft shares: caption, back, progress, notices, and the signed-out states."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.apply import ApplyState
from citizen_app.states.base import AppState
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import href, shell

S = ApplyState


def apply_script() -> rx.Component:
    """Keeps answers on the phone while the server cannot be reached (assets/js/apply.js)."""
    return rx.script(src="/js/apply.js", async_=True)


def back_link(t: Translator, to: rx.Var | str) -> rx.Component:
    return app_link(
        rx.icon("chevron-left", size=18, aria_hidden="true"),
        rx.el.span(t.gettext("Back")),
        to=to,
        class_name="back-link",
        testid="back",
    )


def caption_and_title(t: Translator, *, progress: bool = True) -> rx.Component:
    return rx.fragment(
        rx.el.p(S.procedure_name, class_name="caption", data_testid="procedure-name"),
        rx.cond(
            progress & (S.progress != ""),
            rx.el.p(S.progress, class_name="progress", data_testid="progress"),
        ),
        rx.el.h1(S.title, data_testid="page-title"),
    )


def notices(t: Translator) -> rx.Component:
    return rx.fragment(
        rx.foreach(
            S.notices,
            lambda text: rx.el.div(
                rx.icon("info", size=20, aria_hidden="true"),
                rx.el.span(text),
                class_name="notice notice-warning notice-row",
                role="status",
                data_testid="form-notice",
            ),
        ),
        rx.cond(
            S.saved_offline != "",
            rx.el.div(
                rx.icon("cloud-upload", size=20, aria_hidden="true"),
                rx.el.span(S.saved_offline),
                class_name="notice notice-success notice-row",
                role="status",
                data_testid="saved-offline",
            ),
        ),
        rx.cond(
            S.problem != "",
            rx.el.p(S.problem, class_name="notice notice-error", role="alert", data_testid="problem"),
        ),
    )


def _not_found(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.section(
        rx.el.h1(_("Application not found")),
        rx.el.p(S.problem, data_testid="apply-not-found-text"),
        app_link(
            rx.icon("folder-open", size=20, aria_hidden="true"),
            rx.el.span(_("My applications")),
            to=href(t, "/applications"),
            class_name="button",
            testid="apply-not-found-applications",
        ),
        class_name="stack",
        data_testid="apply-not-found",
    )


def _signed_out(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        AppState.session_expired,
        rx.fragment(),
        rx.el.p(
            _("Sign in to continue your application."),
            " ",
            document_link(_("Sign in"), href=sign_in_href(), data_testid="apply-sign-in"),
        ),
    )


def flow_page(t: Translator, *content: rx.Component, testid: str) -> rx.Component:
    """A page of one draft: the session notice, then the content once the draft is loaded."""
    _ = t.gettext
    return shell(
        t,
        apply_script(),
        session_ended_notice(t),
        rx.match(
            S.status,
            ("ready", rx.el.div(*content, class_name="apply", data_testid=testid)),
            ("not_found", _not_found(t)),
            ("signed_out", _signed_out(t)),
            rx.el.p(_("Opening your application…"), class_name="hint", role="status", data_testid="apply-loading"),
        ),
        active="applications",
    )
