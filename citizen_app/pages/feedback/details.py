"""``/{locale}/feedback/new/details``: the topic, a title, what happened, and where (optional)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.feedback import rules
from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page, radios, step_form, text_area, text_field
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        step_form(
            t,
            radios(t, "topic", _("Topic"), S.topic_options),
            text_field(t, "title", _("Title"), hint=_("In a few words, for example: Waited three hours at the counter"),
                       max_length=rules.TITLE_MAX),
            text_area(t, "content", _("What happened"),
                      hint=_("What happened, when, and what you would like done. Do not include ID numbers or "
                             "other people's details."), max_length=rules.CONTENT_MAX),
            text_field(t, "place", _("Place (optional)"), hint=_("For example: the one-stop counter, ground floor"),
                       max_length=rules.PLACE_MAX),
        ),
        testid="feedback-details",
    )


PAGE = Page(route="/feedback/new/details", title=STEP_TITLES["details"], build=build, on_load=S.load)
