"""``/{locale}/applications``: My applications. Drafts to continue or delete, applications in progress and
finished ones, each with its status; a link to the notifications, with the number of new ones.

Test ids: ``applications`` (the page), ``notifications-count`` (the new-notifications badge, only when
there are some) in ``applications-notifications`` (the link), ``applications-draft-<i>`` (a draft;
``-continue``, ``-discard``, ``-discard-confirm``, ``-keep``), ``applications-item-<code>`` (the link to a
dossier), ``applications-status-<code>``, ``applications-overdue-<code>``, ``applications-new-<code>``,
``applications-empty``, ``applications-message``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.applications.layout import signed_out, status_tag
from citizen_app.states.tracking import ApplicationsState
from citizen_app.ui.form_fields import document_link
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.session import session_ended_notice
from citizen_app.ui.shell import href, shell
from citizen_app.ui.tracking_view import ApplicationRow, DraftRow

S = ApplicationsState


def _notifications_link(t: Translator) -> rx.Component:
    _ = t.gettext
    return app_link(
        rx.icon("bell", size=20, aria_hidden="true"),
        rx.el.span(_("Notifications")),
        rx.cond(
            S.unread > 0,
            rx.el.span(
                S.unread,
                rx.el.span(" ", _("new"), class_name="visually-hidden"),
                class_name="count-badge",
                data_testid="notifications-count",
            ),
        ),
        to=href(t, "/notifications"),
        class_name="button button-secondary notifications-link",
        testid="applications-notifications",
    )


def _draft(t: Translator, draft: DraftRow, index: rx.Var[int]) -> rx.Component:
    _ = t.gettext
    testid = rx.Var.create("applications-draft-").to(str) + index.to(str)
    return rx.el.li(
        rx.el.p(draft.procedure, class_name="card-title"),
        rx.el.p(draft.saved, class_name="card-meta"),
        rx.cond(
            S.confirm_discard == draft.id,
            rx.el.div(
                rx.el.p(_("Delete this draft and its files? This cannot be undone."), class_name="confirm-text"),
                rx.el.div(
                    rx.el.button(
                        _("Yes, delete it"),
                        type="button",
                        on_click=S.discard(draft.id),
                        class_name="button button-warning",
                        data_testid=testid + "-discard-confirm",
                    ),
                    rx.el.button(
                        _("No, keep it"),
                        type="button",
                        on_click=S.keep_draft,
                        class_name="button button-secondary",
                        data_testid=testid + "-keep",
                    ),
                    class_name="actions actions-tight",
                ),
                role="group",
                class_name="confirm",
            ),
            rx.el.div(
                app_link(
                    _("Continue"),
                    rx.el.span(" ", draft.procedure, class_name="visually-hidden"),
                    to=draft.continue_href,
                    class_name="button",
                    testid=testid + "-continue",
                ),
                rx.el.button(
                    _("Delete"),
                    rx.el.span(" ", draft.procedure, class_name="visually-hidden"),
                    type="button",
                    on_click=S.ask_discard(draft.id),
                    class_name="button button-secondary",
                    data_testid=testid + "-discard",
                ),
                class_name="actions actions-tight",
            ),
        ),
        class_name="card application-card",
        data_testid=testid,
    )


def _item(t: Translator, row: ApplicationRow) -> rx.Component:
    _ = t.gettext
    return rx.el.li(
        app_link(
            rx.el.span(
                status_tag(row.status_text, row.tag_class, "applications-status-" + row.code),
                rx.cond(
                    row.overdue,
                    rx.el.span(_("Overdue"), class_name="tag tag-error", data_testid="applications-overdue-" + row.code),
                ),
                rx.cond(
                    row.unread > 0,
                    rx.el.span(_("New"), class_name="tag tag-new", data_testid="applications-new-" + row.code),
                ),
                class_name="application-tags",
            ),
            rx.el.span(row.procedure, class_name="card-title"),
            rx.el.span(row.code, class_name="application-code"),
            rx.cond(row.part_text != "", rx.el.span(row.part_text, class_name="card-meta", data_testid="applications-part-" + row.code)),
            rx.el.span(
                rx.el.span(row.sent),
                rx.cond(row.due != "", rx.el.span(row.due)),
                class_name="card-meta application-dates",
            ),
            to=row.href,
            class_name="card-link application-link",
            testid="applications-item-" + row.code,
        ),
        class_name="card application-card",
    )


def _section(t: Translator, title: str, rows: rx.Var, testid: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.el.section(
            rx.el.h2(title),
            rx.el.ul(rx.foreach(rows, lambda row: _item(t, row)), class_name="card-list"),
            data_testid=testid,
        ),
    )


def _ready(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        rx.cond(
            S.message != "",
            rx.el.p(S.message, class_name="notice notice-success", role="status", data_testid="applications-message"),
        ),
        rx.cond(
            S.empty,
            rx.el.div(
                rx.el.p(_("You have no applications yet.")),
                app_link(_("Find a service"), to=href(t, "/search"), class_name="button", testid="applications-find"),
                class_name="stack",
                data_testid="applications-empty",
            ),
        ),
        rx.cond(
            S.drafts.length() > 0,
            rx.el.section(
                rx.el.h2(_("Drafts")),
                rx.el.p(_("Not sent yet. Drafts you do not touch for 30 days are deleted."), class_name="hint"),
                rx.el.ul(rx.foreach(S.drafts, lambda d, i: _draft(t, d, i)), class_name="card-list"),
                data_testid="applications-drafts",
            ),
        ),
        _section(t, _("In progress"), S.in_progress, "applications-in-progress"),
        _section(t, _("Finished"), S.finished, "applications-finished"),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        session_ended_notice(t),
        rx.el.div(
            rx.el.div(
                rx.el.h1(_("My applications")),
                rx.cond(S.status == "ready", _notifications_link(t)),
                class_name="page-head",
            ),
            rx.match(
                S.status,
                ("ready", _ready(t)),
                ("signed_out", signed_out(t, _("Sign in to see your applications."), "applications-signed-out")),
                rx.el.p(_("Loading…"), class_name="hint", role="status", data_testid="applications-loading"),
            ),
            app_link(
                _("Track an application by its code"),
                to=href(t, "/track"),
                class_name="track-link",
                testid="applications-track",
            ),
            # Issue 13: her document store (a server page the phone keeps for offline use).
            document_link(_("My documents"), href=f"/{t.locale}/documents", class_name="track-link",
                          data_testid="applications-documents"),
            class_name="tracking",
            data_testid="applications",
        ),
        active="applications",
    )


PAGE = Page(route="/applications", title=N_("My applications"), build=build, on_load=S.load)
