"""``/{locale}/feedback/new/contact``: how the unit can reach the sender, and whether it may be published."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page, radios, step_form, text_field
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        rx.el.p(_("Only the unit handling your feedback sees these details. They are never published."),
                class_name="hint"),
        step_form(
            t,
            text_field(t, "sender_name", _("Your name"), auto_complete="name"),
            text_field(t, "sender_phone", _("Mobile number"), hint=_("A mobile number or an email address, or both"),
                       max_length=20, input_type="tel", auto_complete="tel"),
            text_field(t, "sender_email", _("Email address"), max_length=254, input_type="email",
                       auto_complete="email", spell_check=False),
            radios(t, "may_publish", _("May we publish your feedback and its answer?"), S.publish_options,
                   hint=_("Answers that help others are published without your name and contact details.")),
        ),
        testid="feedback-contact",
    )


PAGE = Page(route="/feedback/new/contact", title=STEP_TITLES["contact"], build=build, on_load=S.load)
