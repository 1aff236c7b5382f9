"""``/{locale}/staff``: the counter workspace's landing page — who is on duty, where, and what to open.

Laid out for a tablet at the counter: the queue, opening a receipt by code or QR, applying for a
citizen at the counter, the dashboard, and (for supervisors) the audit log.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.layout import guarded
from citizen_app.states.base import AppState
from citizen_app.states.staff import StaffState
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell

# (key, locale-free path, icon, title msgid, description msgid, supervisors only)
WORKSPACE_LINKS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    (
        "queue",
        "/staff/queue",
        "list-ordered",
        N_("Today's queue"),
        N_("Call the next person, receive applications and hand over results."),
        False,
    ),
    (
        "open",
        "/staff/open",
        "scan-line",
        N_("Open by code or QR"),
        N_("Type the code on a receipt, or scan its QR code with the camera."),
        False,
    ),
    (
        "assist",
        "/staff/assist",
        "user-plus",
        N_("Apply for a citizen"),
        N_("Fill in an application with a citizen at the counter and print their receipt."),
        False,
    ),
    (
        "feedback",
        "/staff/feedback",
        "message-square-warning",
        N_("Feedback and petitions"),
        N_("Answer citizens' feedback sent to your unit, by its due date; supervisors publish answers."),
        False,
    ),
    (
        "dashboard",
        "/staff/dashboard",
        "layout-dashboard",
        N_("Applications dashboard"),
        N_("Received, online share, on-time rate and satisfaction, by procedure, commune and over time. For supervisors."),
        True,
    ),
    (
        "audit",
        "/staff/audit",
        "scroll-text",
        N_("Audit log"),
        N_("Every action and refusal of your area's staff. For supervisors."),
        True,
    ),
)


def _officer(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.dl(
        rx.el.div(rx.el.dt(_("Officer")), rx.el.dd(StaffState.officer_name, data_testid="staff-officer-name"),
                  class_name="summary-row"),
        rx.el.div(rx.el.dt(_("Role")), rx.el.dd(StaffState.officer_roles, data_testid="staff-officer-role"),
                  class_name="summary-row"),
        rx.el.div(
            rx.el.dt(_("Unit")),
            rx.el.dd(
                StaffState.officer_unit,
                rx.el.span(" (", StaffState.officer_unit_level, ")"),
                data_testid="staff-officer-unit",
            ),
            class_name="summary-row",
        ),
        class_name="summary-list",
        data_testid="staff-officer",
    )


def _links(t: Translator) -> rx.Component:
    _ = t.gettext
    def card(key: str, path: str, icon: str, title: str, description: str) -> rx.Component:
        return rx.el.li(
            app_link(
                rx.el.span(rx.icon(icon, size=22, aria_hidden="true"), _(title), class_name="card-title"),
                rx.el.span(_(description), class_name="card-meta"),
                to=href(t, path),
                class_name="card card-link",
                testid=f"staff-link-{key}",
            )
        )

    return rx.el.ul(
        *[
            rx.cond(AppState.is_supervisor, card(key, path, icon, title, description)) if supervisors
            else card(key, path, icon, title, description)
            for key, path, icon, title, description, supervisors in WORKSPACE_LINKS
        ],
        class_name="card-list grid-2",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.h1(_("Counter workspace"), data_testid="staff-heading"),
        guarded(
            t,
            rx.el.div(
                _officer(t),
                rx.el.h2(_("Your work")),
                _links(t),
                data_testid="staff-home",
            ),
        ),
    )


PAGE = Page(route="/staff", title=N_("Counter workspace"), build=build, on_load=StaffState.guard)
