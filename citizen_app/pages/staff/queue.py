"""``/{locale}/staff/queue``: the applications of the officer's agency, soonest appointment first.

Filters (status, procedure, channel, overdue) are kept in the address. Overdue dossiers are
marked in words and with a coloured edge. A table on tablets and desktops; on a phone each row
becomes a card (staff.css).
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import overdue_tag, pager, select, staff_page, status_tag
from citizen_app.states.staff_queue import StaffQueueState as S
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href
from citizen_app.ui.staff_view import QueueItemView

HEADERS = (N_("Code"), N_("Applicant"), N_("Procedure"), N_("Status"), N_("Appointment"), N_("Channel"))
CHANNELS = (("", N_("Online and at the counter")), ("online", N_("Online")), ("counter", N_("At the counter")))


def _filters(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.form(
        select(_("Status"), "status", S.status_choices, S.status, lambda v: S.change_filter("status", v),
               "staff-filter-status"),
        select(_("Procedure"), "procedure", S.procedure_choices, S.procedure,
               lambda v: S.change_filter("procedure", v), "staff-filter-procedure"),
        rx.el.div(
            rx.el.label(_("Channel"), html_for="staff-channel", class_name="label"),
            rx.el.select(
                *[rx.el.option(_(label), value=value) for value, label in CHANNELS],
                id="staff-channel",
                name="channel",
                value=S.channel,
                on_change=lambda v: S.change_filter("channel", v),
                class_name="select",
                data_testid="staff-filter-channel",
            ),
            class_name="filter",
        ),
        rx.el.div(
            rx.el.input(
                type="checkbox",
                id="staff-overdue",
                name="overdue",
                checked=S.overdue,
                on_change=S.toggle_overdue,
                class_name="option-input",
                data_testid="staff-filter-overdue",
            ),
            rx.el.label(_("Only overdue"), html_for="staff-overdue", class_name="option-label"),
            class_name="option option-checkbox filter-check",
        ),
        rx.el.button(
            _("Clear filters"),
            type="button",
            on_click=S.clear_filters,
            class_name="button button-secondary",
            data_testid="staff-filter-clear",
        ),
        class_name="staff-filters",
        aria_label=_("Filter the queue"),
        on_submit=rx.prevent_default,
        data_testid="staff-filters",
    )


def _row(t: Translator, item: QueueItemView) -> rx.Component:
    _ = t.gettext
    return rx.el.tr(
        rx.el.td(
            app_link(item.code, to=item.href, class_name="queue-code", testid=f"staff-queue-link-{item.code}"),
            rx.cond(item.overdue, overdue_tag(t)),
            data_label=_("Code"),
        ),
        rx.el.td(item.applicant, data_label=_("Applicant")),
        rx.el.td(item.procedure, data_label=_("Procedure")),
        rx.el.td(status_tag(item.status, item.status_class), data_label=_("Status")),
        rx.el.td(item.appointment, data_label=_("Appointment")),
        rx.el.td(item.channel, data_label=_("Channel")),
        class_name=rx.cond(item.overdue, "queue-row row-overdue", "queue-row"),
        data_testid=f"staff-queue-item-{item.code}",
        data_overdue=rx.cond(item.overdue, "true", "false"),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Applications queue"),
        rx.el.div(
            app_link(
                rx.icon("scan-line", size=20, aria_hidden="true"),
                _("Open by code or QR"),
                to=href(t, "/staff/open"),
                class_name="button",
                testid="staff-queue-open",
            ),
            app_link(
                rx.icon("user-plus", size=20, aria_hidden="true"),
                _("Apply for a citizen"),
                to=href(t, "/staff/assist"),
                class_name="button button-secondary",
                testid="staff-queue-assist",
            ),
            class_name="actions actions-top",
        ),
        _filters(t),
        rx.el.p(S.count_text, class_name="queue-count", role="status", data_testid="staff-queue-count"),
        rx.cond(
            S.items.length() > 0,
            rx.el.div(
                rx.el.table(
                    rx.el.caption(_("Applications, soonest appointment first"), class_name="visually-hidden"),
                    rx.el.thead(
                        rx.el.tr(
                            *[rx.el.th(_(h), scope="col") for h in HEADERS]
                        )
                    ),
                    rx.el.tbody(rx.foreach(S.items, lambda item: _row(t, item))),
                    class_name="queue-table",
                ),
                class_name="table-scroll",
                data_testid="staff-queue",
            ),
            rx.el.div(data_testid="staff-queue", data_empty="true"),
        ),
        pager(t, S, "staff-queue"),
        active="queue",
    )


PAGE = Page(route="/staff/queue", title=N_("Applications queue"), build=build, on_load=S.load)
