"""The one page for every unknown address, in both languages: we cannot tell which was wanted."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import LOCALES, get_translator
from citizen_app.ui.links import app_link


def build() -> rx.Component:
    sections = []
    for locale in LOCALES:
        t = get_translator(locale)
        _ = t.gettext
        sections.append(
            rx.el.section(
                rx.el.h1(_("Page not found")) if locale == "vi" else rx.el.h2(_("Page not found")),
                rx.el.p(_("If you typed the address, check it is correct.")),
                app_link(_("Go to the home page"), to=f"/{locale}/", testid=f"not-found-home-{locale}"),
                lang=locale,
                class_name="stack",
            )
        )
    return rx.el.main(
        *sections,
        class_name="main",
        id="main",
        data_testid="not-found",
        data_hydrated=rx.cond(rx.State.is_hydrated, "true", "false"),
    )
