"""The pieces of a "before you start" page: the apply start page of one service and a life event's.

Both pages list what it takes in the same summary rows, end in the same start box (Start now when
signed in, Sign in to apply otherwise) and say the same when there is nothing to start, so the
selectors testers use (``start-now``, ``start-sign-in``) and the styles hold on both.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.states.base import AppState
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.location import sign_in_href
from citizen_app.ui.shell import shell


def summary_row(label: str, value: Any, *, testid: str | None = None) -> rx.Component:
    """One line of a summary list; ``testid`` marks the value."""
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def start_now_button(t: Translator, on_click: Any) -> rx.Component:
    _ = t.gettext
    return rx.el.button(
        _("Start now"),
        rx.icon("chevron-right", size=22, aria_hidden="true"),
        type="button",
        on_click=on_click,
        class_name="button button-start",
        data_testid="start-now",
    )


def sign_in_to_apply_link(t: Translator) -> rx.Component:
    _ = t.gettext
    # A document navigation: /auth/login is a server route.
    return document_link(
        rx.icon("log-in", size=20, aria_hidden="true"),
        _("Sign in to apply"),
        href=sign_in_href(),
        class_name="button button-start",
        data_testid="start-sign-in",
    )


def start_box(signed_in: rx.Component, signed_out: rx.Component) -> rx.Component:
    """What a signed-in person does to start, or how a visitor signs in first."""
    return rx.el.div(rx.cond(AppState.signed_in, signed_in, signed_out), class_name="start-box")


def nothing_to_start(
    t: Translator, title: str, problem: Any, *, find_href: Any, testid_prefix: str, testid: str | None = None
) -> rx.Component:
    """The page's subject does not exist: say so and lead to the search."""
    _ = t.gettext
    return rx.el.section(
        rx.el.h1(title),
        rx.el.p(problem, data_testid=f"{testid_prefix}-problem"),
        app_link(_("Find a service"), to=find_href, class_name="button", testid=f"{testid_prefix}-find"),
        class_name="stack",
        data_testid=testid,
    )


def start_page(
    t: Translator, status: Any, ready: rx.Component, not_found: rx.Component, *, loading_testid: str
) -> rx.Component:
    """The page by its state's status (``ready``, ``not_found``), "Loading…" until the state has loaded."""
    _ = t.gettext
    return shell(
        t,
        rx.match(
            status,
            ("ready", ready),
            ("not_found", not_found),
            rx.el.p(_("Loading…"), class_name="hint", role="status", data_testid=loading_testid),
        ),
        active="search",
    )
