"""``/{locale}/feedback/new/check``: every answer with a Change link, then Send (GOV.UK check answers)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.apply_view import SummaryRow
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page


def _row(t: Translator, row: SummaryRow) -> rx.Component:
    return rx.el.div(
        rx.el.dt(row.label, class_name="summary-key"),
        rx.el.dd(
            rx.foreach(row.lines, lambda line: rx.el.span(line, class_name="summary-line")),
            class_name="summary-value",
            data_testid=f"answer-{row.key}",
        ),
        rx.el.dd(
            app_link(
                t.gettext("Change"),
                rx.el.span(" ", row.label, class_name="visually-hidden"),
                to=row.change_href,
                class_name="summary-change",
                testid=f"change-{row.key}",
            ),
            class_name="summary-actions",
        ),
        class_name="summary-row summary-row-actions",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        rx.el.dl(rx.foreach(S.rows, lambda row: _row(t, row)), class_name="summary-list"),
        rx.el.h2(_("Now send your feedback")),
        rx.el.p(_("By sending it you confirm that what you wrote is true to the best of your knowledge. "
                  "The unit answers within 10 working days.")),
        rx.el.button(_("Send feedback"), type="button", on_click=S.send, class_name="button",
                     data_testid="feedback-send"),
        testid="feedback-check",
    )


PAGE = Page(route="/feedback/new/check", title=STEP_TITLES["check"], build=build, on_load=S.load)
