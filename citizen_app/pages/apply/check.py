"""``/{locale}/apply/{draft_id}/check-answers``: every answer, with a Change link back to its step."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, back_link, caption_and_title, flow_page, notices
from citizen_app.ui.apply_view import SummaryRow, SummarySection
from citizen_app.ui.fee_table import fee_table
from citizen_app.ui.form_fields import error_summary
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page


def _row(t: Translator, row: SummaryRow) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.dt(
            row.label,
            rx.cond(
                row.badge != "",
                rx.el.span(
                    rx.icon("shield-check", size=16, aria_hidden="true"), row.badge, class_name="badge-verified"
                ),
            ),
            class_name="summary-key",
        ),
        rx.el.dd(
            rx.foreach(row.lines, lambda line: rx.el.span(line, class_name="summary-line")),
            class_name="summary-value",
            data_testid=f"answer-{row.key}",
        ),
        rx.el.dd(
            rx.cond(
                row.change_href != "",
                app_link(
                    _("Change"),
                    rx.el.span(" ", row.label, class_name="visually-hidden"),
                    to=row.change_href,
                    class_name="summary-change",
                    testid=f"change-{row.key}",
                ),
            ),
            class_name="summary-actions",
        ),
        class_name="summary-row summary-row-actions",
    )


def _section(t: Translator, section: SummarySection) -> rx.Component:
    return rx.el.section(
        rx.el.h2(section.title),
        rx.el.dl(rx.foreach(section.rows, lambda row: _row(t, row)), class_name="summary-list"),
        data_testid=f"summary-{section.id}",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        back_link(t, S.back_href),
        caption_and_title(t, progress=False),
        notices(t),
        error_summary(t, S.error_links),
        rx.foreach(S.sections, lambda section: _section(t, section)),
        fee_table(t, S.fee_lines, S.fee_total),  # issue 11: the fee from these answers
        rx.el.button(
            _("Continue"), type="button", on_click=S.answers_checked, class_name="button", data_testid="continue"
        ),
        testid="apply-check",
    )


PAGE = Page(
    route="/apply/[draft_id]/check-answers", title=N_("Check your answers"), build=build, on_load=S.load
)
