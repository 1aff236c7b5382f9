"""Pieces every staff page shares: the workspace navigation, selects, the pager, status tags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.layout import guarded
from citizen_app.states.base import AppState
from citizen_app.ui.links import app_link
from citizen_app.ui.shell import href, shell

# (key, locale-free path, icon, label msgid, supervisors only)
STAFF_NAV: tuple[tuple[str, str, str, str, bool], ...] = (
    ("home", "/staff", "briefcase", N_("Workspace"), False),
    ("queue", "/staff/queue", "list-ordered", N_("Queue"), False),
    ("open", "/staff/open", "scan-line", N_("Open by code or QR"), False),
    ("assist", "/staff/assist", "user-plus", N_("Apply for a citizen"), False),
    ("dashboard", "/staff/dashboard", "chart-column", N_("Dashboard"), True),
    ("audit", "/staff/audit", "scroll-text", N_("Audit log"), True),
)


def staff_nav(t: Translator, active: str) -> rx.Component:
    _ = t.gettext

    def item(key: str, path: str, icon: str, label: str) -> rx.Component:
        return rx.el.li(
            app_link(
                rx.icon(icon, size=18, aria_hidden="true"),
                rx.el.span(_(label)),
                to=href(t, path),
                class_name="staff-nav-link",
                aria_current="page" if key == active else None,
                testid=f"staff-nav-{key}",
            )
        )

    return rx.el.nav(
        rx.el.ul(
            *[
                rx.cond(AppState.is_supervisor, item(key, path, icon, label)) if only_supervisors
                else item(key, path, icon, label)
                for key, path, icon, label, only_supervisors in STAFF_NAV
            ],
            class_name="staff-nav-list",
        ),
        class_name="staff-nav no-print",
        aria_label=_("Staff workspace"),
        data_testid="staff-nav",
    )


def staff_page(t: Translator, title: str, *content: rx.Component, active: str, wide: bool = True) -> rx.Component:
    """A staff page: its heading, the workspace navigation, then ``content`` once the guard allowed it."""
    return shell(
        t,
        rx.el.div(
            rx.el.h1(title, data_testid="staff-page-title"),
            staff_nav(t, active),
            guarded(t, *content),
            class_name="staff-page" + (" staff-page-wide" if wide else ""),
        ),
    )


def select(
    label: str,
    name: str,
    choices: Any,
    value: Any,
    on_change: Callable[[Any], Any] | None,
    testid: str,
    *,
    id_prefix: str = "staff",
) -> rx.Component:
    """A labelled select over a ``list[Choice]`` var (controlled: the server's filters are the truth)."""
    control_id = f"{id_prefix}-{name}"
    return rx.el.div(
        rx.el.label(label, html_for=control_id, class_name="label"),
        rx.el.select(
            rx.foreach(choices, lambda choice: rx.el.option(choice.label, value=choice.value)),
            id=control_id,
            name=name,
            value=value,
            on_change=on_change,
            class_name="select",
            data_testid=testid,
        ),
        class_name="filter",
    )


def pager(t: Translator, state: Any, testid: str) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        state.has_previous | state.has_next,
        rx.el.nav(
            rx.el.button(
                rx.icon("chevron-left", size=18, aria_hidden="true"),
                _("Previous"),
                type="button",
                disabled=~state.has_previous,
                on_click=state.previous_page,
                class_name="button button-secondary",
                data_testid=f"{testid}-previous",
            ),
            rx.el.span(state.page_text, class_name="pager-text", data_testid=f"{testid}-page"),
            rx.el.button(
                _("Next"),
                rx.icon("chevron-right", size=18, aria_hidden="true"),
                type="button",
                disabled=~state.has_next,
                on_click=state.next_page,
                class_name="button button-secondary",
                data_testid=f"{testid}-next",
            ),
            class_name="pager",
            aria_label=_("Pages"),
        ),
    )


def status_tag(text: Any, class_name: Any, testid: Any = None) -> rx.Component:
    """A status in its tone: ``class_name`` is the status table's (``core.statuses.tag_class``), via the view."""
    return rx.el.span(text, class_name=class_name, data_testid=testid)


def overdue_tag(t: Translator, testid: Any = None) -> rx.Component:
    return rx.el.span(
        rx.icon("clock-alert", size=16, aria_hidden="true"),
        t.gettext("Overdue"),
        class_name="tag tag-error tag-icon",
        data_testid=testid,
    )
