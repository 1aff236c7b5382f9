"""``/{locale}/apply/{draft_id}/send-application``: the declaration, the fee due, then Accept and send.

The button sends the submission key this browser keeps for the draft (made once, in
localStorage): a double tap, a retry after the connection dropped, signing in again after
the session expired, or a second tab all reach the same dossier.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, back_link, caption_and_title, flow_page, notices
from citizen_app.states.apply.scripts import SUBMISSION_KEY_JS
from citizen_app.ui.fee_table import fee_table
from citizen_app.ui.form_fields import error_summary
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return flow_page(
        t,
        back_link(t, S.back_href),
        caption_and_title(t, progress=False),
        notices(t),
        error_summary(t, S.error_links, lead=_("Your application has not been sent. Correct these answers first.")),
        rx.el.p(
            _(
                "By sending this application you confirm that, to the best of your knowledge, the details you "
                "have given are correct and the documents are genuine. Giving false information is against the law."
            ),
            data_testid="declaration",
        ),
        fee_table(t, S.fee_lines, S.fee_total),  # issue 11
        rx.el.p(S.fee_text, class_name="notice", data_testid="fee-due"),
        rx.el.button(
            rx.cond(S.submitting, _("Sending…"), _("Accept and send")),
            type="button",
            disabled=S.submitting,
            aria_disabled=rx.cond(S.submitting, "true", "false"),
            on_click=rx.call_script(SUBMISSION_KEY_JS, callback=S.send),
            class_name="button",
            data_testid="submit",
        ),
        testid="apply-send",
    )


PAGE = Page(
    route="/apply/[draft_id]/send-application", title=N_("Send your application"), build=build, on_load=S.load
)
