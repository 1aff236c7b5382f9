"""``/{locale}/feedback``: what feedback and petitions are for, how long an answer takes, and the way in."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.div(
            rx.el.h1(_("Feedback and petitions")),
            rx.el.p(_("Tell the authorities about a problem with a procedure, an agency or an application you "
                      "sent, or suggest how to make things better."), class_name="lead"),
            rx.el.ul(
                rx.el.li(_("It takes about 5 minutes. You can add a photo.")),
                rx.el.li(_("The unit in charge answers within 10 working days.")),
                rx.el.li(_("You get a tracking code to follow the answer. No need to sign in.")),
                rx.el.li(_("With your agreement, useful answers are published without your personal details.")),
                class_name="list-bullets",
            ),
            app_link(_("Start now"), rx.icon("chevron-right", size=20, aria_hidden="true"),
                     to=href(t, "/feedback/new/about"), class_name="button button-start", testid="feedback-start"),
            rx.el.h2(_("Already sent feedback?")),
            rx.el.p(app_link(_("Follow your feedback with its tracking code"), to=href(t, "/feedback/track"),
                             testid="feedback-track-link")),
            rx.el.h2(_("Answers to others")),
            rx.el.p(app_link(_("Read the published answers, by topic"), to=href(t, "/feedback/answers"),
                             testid="feedback-answers-link")),
            class_name="feedback stack",
            data_testid="feedback-start-page",
        ),
    )


PAGE = Page(route="/feedback", title=N_("Feedback and petitions"), build=build)
