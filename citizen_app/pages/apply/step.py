"""``/{locale}/apply/{draft_id}/{step}``: one group of questions (GOV.UK "one thing per page").

Back keeps the answers (the page's values are saved first); Continue saves and checks the
step on the server, then goes on, or shows an error summary and a message by each problem.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, caption_and_title, flow_page, notices
from citizen_app.states.apply.scripts import PENDING_JS, collect_form_js
from citizen_app.ui.form_fields import FieldEvents, error_summary, questions
from citizen_app.ui.page import Page


def _group_action(intent: rx.Var) -> rx.event.EventSpec:
    return rx.call_script(collect_form_js(intent), callback=S.step_action)


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    events = FieldEvents(changed=S.set_answer, group_action=_group_action)
    return flow_page(
        t,
        rx.el.button(
            rx.icon("chevron-left", size=18, aria_hidden="true"),
            rx.el.span(_("Back")),
            type="button",
            on_click=rx.call_script(collect_form_js("back"), callback=S.step_action),
            class_name="back-link back-button",
            data_testid="back",
        ),
        caption_and_title(t),
        rx.cond(
            S.prefill_line != "",
            rx.el.p(
                rx.icon("shield-check", size=20, aria_hidden="true"),
                rx.el.span(S.prefill_line),
                class_name="notice notice-row prefill-summary",
                data_testid="prefill-summary",
            ),
        ),
        notices(t),
        error_summary(t, S.error_links),
        rx.el.form(
            questions(t, S.fields, events),
            # The page's script presses this when answers kept on the phone can be sent.
            rx.el.button(
                type="button",
                hidden=True,
                tab_index=-1,
                aria_hidden="true",
                on_click=rx.call_script(PENDING_JS, callback=S.sync_offline),
                data_testid="draft-sync",
            ),
            rx.el.button(_("Continue"), type="submit", class_name="button", data_testid="continue"),
            id="step-form",
            key=S.step_key,
            on_submit=S.save_step,
            no_validate=True,  # the server checks and explains, in the citizen's language
            custom_attrs={"data-draft-form": S.draft_key},
            class_name="step-form",
            data_testid="step-form",
        ),
        rx.el.p(
            _("Your answers are saved as you type. You can close this page and come back later."),
            class_name="hint save-hint",
        ),
        testid="apply-step",
    )


PAGE = Page(route="/apply/[draft_id]/[step]", title=N_("Your application"), build=build, on_load=S.load)
