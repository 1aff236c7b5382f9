"""``/{locale}/apply/{draft_id}``: reopen a draft (after closing the browser, from My applications)
and continue at the first page that still needs something."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.pages.apply.layout import S, flow_page
from citizen_app.ui.page import Page


def build(t: Translator) -> rx.Component:
    return flow_page(
        t,
        rx.el.p(t.gettext("Opening your application…"), class_name="hint", role="status"),
        testid="apply-resume",
    )


PAGE = Page(route="/apply/[draft_id]", title=N_("Your application"), build=build, on_load=S.load)
