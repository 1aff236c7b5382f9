"""``/{locale}/staff/feedback``: the feedback the unit (or the supervisor's area) must answer, by due date.

Test ids: ``feedback-inbox``, ``feedback-inbox-view``, ``feedback-inbox-total``, ``feedback-row-<code>``
(its link ``feedback-open-<code>``), ``feedback-inbox-previous``/``-next``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.staff.components import select, staff_page
from citizen_app.states.feedback.staff import StaffFeedbackState as S
from citizen_app.ui.feedback_view import InboxItem
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page


def _row(t: Translator, item: InboxItem) -> rx.Component:
    _ = t.gettext
    return rx.el.tr(
        rx.el.th(app_link(item.title, to=item.href, testid=rx.Var.create("feedback-open-") + item.code), scope="row"),
        rx.el.td(item.topic),
        rx.el.td(item.unit),
        rx.el.td(item.received),
        rx.el.td(item.due, rx.cond(item.overdue, rx.el.span(" ", _("Overdue"), class_name="tag tag-error"))),
        rx.el.td(rx.el.span(item.status, class_name="tag"),
                 rx.cond(item.published, rx.el.span(" ", _("Published"), class_name="tag tag-success"))),
        data_testid=rx.Var.create("feedback-row-") + item.code,
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return staff_page(
        t,
        _("Feedback and petitions"),
        rx.el.div(
            rx.el.form(
                select(_("Show"), "view", S.view_options, S.view, S.change_view, "feedback-inbox-view",
                       id_prefix="feedback"),
                on_submit=rx.prevent_default,
                class_name="staff-filters",
            ),
            rx.el.p(S.total_text, role="status", data_testid="feedback-inbox-total"),
            rx.el.div(
                rx.el.table(
                    rx.el.caption(_("Feedback sent to your unit")),
                    rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in (
                        _("Title"), _("Topic"), _("Unit"), _("Received"), _("Answer due"), _("Status"))])),
                    rx.el.tbody(rx.foreach(S.items, lambda item: _row(t, item))),
                    class_name="dashboard-table",
                ),
                class_name="table-scroll",
            ),
            rx.el.nav(
                rx.el.button(_("Previous"), type="button", disabled=~S.has_previous, on_click=S.previous_page,
                             class_name="button button-secondary", data_testid="feedback-inbox-previous"),
                rx.el.span(S.page_text, class_name="pager-text"),
                rx.el.button(_("Next"), type="button", disabled=~S.has_next, on_click=S.next_page,
                             class_name="button button-secondary", data_testid="feedback-inbox-next"),
                class_name="pager",
                aria_label=_("Pages"),
            ),
            data_testid="feedback-inbox",
        ),
        active="feedback",
    )


PAGE = Page(route="/staff/feedback", title=N_("Feedback and petitions"), build=build, on_load=S.load_inbox)
