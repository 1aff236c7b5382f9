"""``/{locale}/notifications``: what happened to the citizen's applications, newest first.

Test ids: ``notifications`` (the page), ``notifications-unread`` (how many are new), ``notifications-list``,
``notification-<i>`` (the link to the dossier; ``data-unread`` is "true" for a new one),
``notifications-mark-read``, ``notifications-empty``, ``notifications-message``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.applications.layout import signed_out
from citizen_app.states.tracking import NotificationsState
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import href, shell
from citizen_app.ui.tracking_view import NotificationRow

S = NotificationsState


def _item(t: Translator, row: NotificationRow, index: rx.Var[int]) -> rx.Component:
    _ = t.gettext
    return rx.el.li(
        app_link(
            rx.el.span(
                rx.el.span(row.headline, class_name=row.tag_class),
                rx.cond(row.unread, rx.el.span(_("New"), class_name="tag tag-new")),
                class_name="application-tags",
            ),
            rx.el.span(row.procedure, class_name="card-title"),
            rx.el.span(row.code, class_name="application-code"),
            rx.el.span(row.when, class_name="card-meta"),
            to=row.href,
            class_name="card-link application-link",
            testid=rx.Var.create("notification-").to(str) + index.to(str),
            data_unread=rx.cond(row.unread, "true", "false"),
        ),
        class_name=rx.cond(row.unread, "card application-card notification-unread", "card application-card"),
    )


def _ready(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.el.p(
            rx.cond(S.unread > 0, rx.el.span(S.unread, " ", _("new")), rx.el.span(_("Nothing new"))),
            class_name="lead",
            data_testid="notifications-unread",
        ),
        rx.cond(
            S.message != "",
            rx.el.p(S.message, class_name="notice notice-success", role="status", data_testid="notifications-message"),
        ),
        rx.cond(
            S.items.length() > 0,
            rx.fragment(
                rx.el.ul(
                    rx.foreach(S.items, lambda row, i: _item(t, row, i)),
                    class_name="card-list",
                    data_testid="notifications-list",
                ),
                rx.cond(
                    S.unread > 0,
                    rx.el.button(
                        _("Mark all as read"),
                        type="button",
                        on_click=S.mark_all_read,
                        class_name="button button-secondary",
                        data_testid="notifications-mark-read",
                    ),
                ),
            ),
            rx.el.p(
                _("You have no notifications. We will tell you here when the status of an application changes."),
                data_testid="notifications-empty",
            ),
        ),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        session_ended_notice(t),
        rx.el.div(
            app_link(
                rx.icon("chevron-left", size=18, aria_hidden="true"),
                rx.el.span(_("My applications")),
                to=href(t, "/applications"),
                class_name="back-link",
                testid="back",
            ),
            rx.el.h1(_("Notifications")),
            rx.match(
                S.status,
                ("ready", _ready(t)),
                ("signed_out", signed_out(t, _("Sign in to see your notifications."), "notifications-signed-out")),
                rx.el.p(_("Loading…"), class_name="hint", role="status", data_testid="notifications-loading"),
            ),
            class_name="tracking",
            data_testid="notifications",
        ),
        active="applications",
    )


PAGE = Page(route="/notifications", title=N_("Notifications"), build=build, on_load=S.load)
