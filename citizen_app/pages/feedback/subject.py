"""``/{locale}/feedback/new/subject``: which procedure and where, which agency, or which application
(its dossier code and the last 4 digits of the applicant's ID number, looked up under the lookup limit)."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page, select_field, step_form, text_field
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.page import Page


def _place(t: Translator, commune_hint: str) -> rx.Component:
    _ = t.gettext
    return rx.fragment(
        select_field(t, "province_code", _("Province or city"), S.province_options,
                     empty=_("Choose a province or city"), on_change=S.choose_province),
        select_field(t, "commune_code", _("Commune or ward"), S.commune_options,
                     empty=_("The province's service centre, or choose a commune"), hint=commune_hint),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        step_form(
            t,
            rx.match(
                S.answers.get("subject_type", ""),
                (
                    "procedure",
                    rx.fragment(
                        select_field(t, "procedure_code", _("Procedure"), S.procedure_options,
                                     empty=_("Choose the procedure")),
                        _place(t, _("Where you applied or want to apply. Commune procedures need the commune.")),
                    ),
                ),
                (
                    "agency",
                    _place(t, _("Leave it on the service centre for the province's public administration "
                                "service centre.")),
                ),
                (
                    "dossier",
                    rx.fragment(
                        text_field(t, "dossier_code", _("Application code"),
                                   hint=_("On your receipt, for example 000.00.01.H26-261116-0001"), max_length=40,
                                   auto_capitalize="characters", spell_check=False, auto_complete="off"),
                        text_field(t, "pid_last4", _("Last 4 digits of the applicant's personal ID number"),
                                   max_length=4, input_mode="numeric", auto_complete="off"),
                    ),
                ),
                rx.fragment(),
            ),
        ),
        testid="feedback-subject",
    )


PAGE = Page(route="/feedback/new/subject", title=STEP_TITLES["subject"], build=build, on_load=S.load)
