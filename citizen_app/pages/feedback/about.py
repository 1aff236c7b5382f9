"""``/{locale}/feedback/new/about``: what the feedback is about (a procedure, an agency, an application)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page, radios, step_form
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        step_form(t, radios(t, "subject_type", _(STEP_TITLES["about"]), S.subject_options, heading=True)),
        testid="feedback-about",
    )


PAGE = Page(route="/feedback/new/about", title=STEP_TITLES["about"], build=build, on_load=S.load)
