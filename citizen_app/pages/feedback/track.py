"""``/{locale}/feedback/track``: follow a message with its tracking code (status, unit, due date, answer).

Test ids: ``feedback-track-form``, ``feedback-track-code``, ``feedback-track-submit``,
``feedback-track-message`` (invalid, not found, limited), ``feedback-track-result`` with
``feedback-track-status``, ``feedback-track-unit``, ``feedback-track-due``, ``feedback-track-answer``.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.feedback.public import FeedbackTrackState as S
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell


def _row(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.el.div(rx.el.dt(label), rx.el.dd(value, data_testid=testid), class_name="summary-row")


def _result(t: Translator) -> rx.Component:
    _ = t.gettext
    f = S.found
    return rx.el.section(
        rx.el.h2(f.title),
        rx.el.p(
            rx.el.span(_("Status:"), " "),
            rx.el.span(f.status, class_name=rx.cond(f.status_key == "answered", "tag tag-success", "tag"),
                       data_testid="feedback-track-status"),
            rx.cond(f.overdue, rx.el.span(" ", _("Overdue"), class_name="tag tag-error")),
            class_name="dossier-status",
        ),
        rx.el.dl(
            _row(_("Tracking code"), f.code, "feedback-track-code-found"),
            _row(_("Topic"), f.topic, "feedback-track-topic"),
            _row(_("Sent to"), f.unit, "feedback-track-unit"),
            _row(_("Sent"), f.sent, "feedback-track-sent"),
            _row(_("Answer"), f.due, "feedback-track-due"),
            class_name="summary-list",
        ),
        rx.cond(
            f.answer_lines.length() > 0,
            rx.el.div(
                rx.el.h3(_("The unit's answer")),
                rx.el.p(f.answered, class_name="hint"),
                rx.foreach(f.answer_lines, lambda line: rx.el.p(line)),
                class_name="card",
                data_testid="feedback-track-answer",
            ),
        ),
        rx.cond(
            f.decline_reason != "",
            rx.el.div(rx.el.h3(_("Why it was not taken up")), rx.el.p(f.decline_reason),
                      class_name="notice notice-warning", data_testid="feedback-track-declined"),
        ),
        rx.cond(f.published, rx.el.p(_("This answer is on the public list, without your personal details."),
                                     class_name="hint")),
        class_name="card track-result",
        role="status",
        data_testid="feedback-track-result",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("Follow your feedback")),
            rx.el.p(_("Enter the tracking code you got when you sent your feedback."), class_name="lead"),
            rx.el.form(
                rx.el.div(
                    rx.el.label(_("Tracking code"), html_for="feedback-track-code", class_name="label"),
                    rx.el.p(_("For example: PA-7K3Q-9X2M"), id="feedback-track-code-hint", class_name="hint"),
                    rx.el.input(id="feedback-track-code", name="code", type="text", default_value=S.initial_code,
                                key=S.initial_code, max_length=20, auto_complete="off", spell_check=False,
                                auto_capitalize="characters", aria_describedby="feedback-track-code-hint",
                                class_name="input", data_testid="feedback-track-code"),
                    class_name="field",
                ),
                rx.el.button(rx.icon("search", size=20, aria_hidden="true"), _("Find my feedback"), type="submit",
                             class_name="button", data_testid="feedback-track-submit"),
                on_submit=S.lookup,
                no_validate=True,
                class_name="track-form",
                data_testid="feedback-track-form",
            ),
            rx.match(
                S.outcome,
                ("found", _result(t)),
                ("idle", rx.fragment()),
                rx.el.p(S.message, class_name="notice notice-warning", role="alert",
                        data_testid="feedback-track-message"),
            ),
            rx.el.p(app_link(_("Send new feedback"), to=href(t, "/feedback"), testid="feedback-new-link")),
            class_name="tracking feedback",
            data_lookups=S.lookups,
            data_testid="feedback-track",
        ),
    )


PAGE = Page(route="/feedback/track", title=N_("Follow your feedback"), build=build, on_load=S.load)
