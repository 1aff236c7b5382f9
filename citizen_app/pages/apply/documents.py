"""``/{locale}/apply/{draft_id}/add-documents``: a photo or a scan of each document, with thumbnails."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, back_link, caption_and_title, flow_page, notices
from citizen_app.ui.form_fields import SlotEvents, document_slot, error_summary
from citizen_app.ui.page import Page

# Upload zones hold React hooks, so they sit at fixed positions; no form has more slots than this.
MAX_SLOTS = 10


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    events = SlotEvents(upload=S.upload, refused=S.files_refused, remove=S.remove_file, use_stored=S.use_stored)
    return flow_page(
        t,
        back_link(t, S.back_href),
        caption_and_title(t),
        rx.el.p(S.limits, class_name="lead", data_testid="documents-limits"),
        notices(t),
        error_summary(t, S.error_links),
        *[rx.cond(S.slots.length() > index, document_slot(t, S.slots, index, events)) for index in range(MAX_SLOTS)],
        rx.el.button(
            _("Continue"), type="button", on_click=S.documents_done, class_name="button", data_testid="continue"
        ),
        testid="apply-documents",
    )


PAGE = Page(route="/apply/[draft_id]/add-documents", title=N_("Add your documents"), build=build, on_load=S.load)
