"""``/{locale}/feedback/new/photo``: an optional photo, checked by content and stripped of its metadata."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import Translator
from citizen_app.pages.feedback.layout import flow_page, step_form
from citizen_app.states.feedback.flow import FeedbackFlowState as S
from citizen_app.ui.feedback_view import STEP_TITLES
from citizen_app.ui.form_fields import ACCEPT_PHOTOS, with_file_input
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    picker = rx.upload.root(
        rx.el.span(rx.icon("camera", size=20, aria_hidden="true"), _("Choose or take a photo"),
                   class_name="button button-secondary upload-button"),
        id="feedback-photo",
        accept=ACCEPT_PHOTOS,
        multiple=False,
        no_keyboard=False,
        on_drop=S.upload_photo(rx.upload_files(upload_id="feedback-photo")),
        class_name="upload-zone",
    )
    return flow_page(
        t,
        rx.el.p(_("A photo can show what words cannot: a notice, a queue, a broken ramp. A JPEG or PNG "
                  "image; its location and camera details are removed."), class_name="hint"),
        rx.cond(
            S.photo_error != "",
            rx.el.p(S.photo_error, class_name="field-error", role="alert", data_testid="feedback-photo-error"),
        ),
        rx.cond(
            S.photo_name != "",
            rx.el.div(
                rx.icon("image", size=20, aria_hidden="true"),
                rx.el.span(S.photo_name, data_testid="feedback-photo-name"),
                rx.el.button(_("Remove"), type="button", on_click=S.remove_photo,
                             class_name="button button-secondary", data_testid="feedback-photo-remove"),
                class_name="notice notice-row",
            ),
            with_file_input(picker, **{"data-testid": "feedback-photo-input", "aria-label": _("Choose a photo")}),
        ),
        step_form(t),
        testid="feedback-photo",
    )


PAGE = Page(route="/feedback/new/photo", title=STEP_TITLES["photo"], build=build, on_load=S.load)
