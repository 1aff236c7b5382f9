"""``/{locale}/feedback/sent``: the confirmation panel with the tracking code, and what happens next."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.cond(
            S.sent_code != "",
            rx.el.div(
                rx.el.div(
                    rx.el.h1(_("Feedback sent"), class_name="panel-title"),
                    rx.el.p(_("Your tracking code"), class_name="panel-label"),
                    rx.el.strong(S.sent_code, class_name="panel-code", data_testid="feedback-code"),
                    class_name="panel",
                    data_testid="feedback-confirmation",
                ),
                rx.el.dl(
                    rx.el.div(rx.el.dt(_("Sent to")), rx.el.dd(S.sent_unit, data_testid="feedback-unit"),
                              class_name="summary-row"),
                    rx.el.div(rx.el.dt(_("Answer")), rx.el.dd(S.sent_due, data_testid="feedback-due"),
                              class_name="summary-row"),
                    class_name="summary-list",
                ),
                rx.el.h2(_("What happens next")),
                rx.el.p(_("The unit reads your feedback, may contact you, and answers by the date above. "
                          "Follow it with your tracking code: keep it, it is the only way to see the answer.")),
                rx.el.div(
                    app_link(_("Follow your feedback"), to=rx.Var.create(href(t, "/feedback/track?code=")) + S.sent_code,
                             class_name="button", testid="feedback-follow"),
                    app_link(_("Published answers"), to=href(t, "/feedback/answers"),
                             class_name="button button-secondary", testid="feedback-answers-link"),
                    class_name="actions",
                ),
                class_name="feedback",
                data_testid="feedback-sent",
            ),
            rx.el.div(
                rx.el.h1(_("Feedback and petitions")),
                rx.el.p(_("There is no feedback sent from this page. To see one you sent, follow it with its "
                          "tracking code.")),
                app_link(_("Follow your feedback"), to=href(t, "/feedback/track"), class_name="button",
                         testid="feedback-follow"),
                class_name="feedback",
            ),
        ),
    )


PAGE = Page(route="/feedback/sent", title=N_("Feedback sent"), build=build)
