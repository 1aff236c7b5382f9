"""Home: search box first, then services by field, by life event, and the most used ones."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.i18n import N_, Translator
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell


def search_form(t: Translator) -> rx.Component:
    """A plain GET form, so searching works before (and without) JavaScript."""
    _ = t.gettext
    return rx.el.form(
        rx.el.label(_("Search for a service"), html_for="home-search", class_name="label"),
        rx.el.div(
            rx.el.input(
                id="home-search",
                name="q",
                type="search",
                placeholder=_("e.g. birth registration"),
                auto_complete="off",
                max_length=200,
                class_name="input",
                data_testid="home-search-input",
            ),
            rx.el.button(
                rx.icon("search", size=20, aria_hidden="true"),
                rx.el.span(_("Search"), class_name="visually-hidden-phone"),
                type="submit",
                class_name="button",
                data_testid="home-search-submit",
            ),
            class_name="search-row",
        ),
        action=href(t, "/search"),
        method="get",
        role="search",
        class_name="search-form",
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.section(
            rx.el.h1(_("Public services, online"), class_name="hero-title"),
            rx.el.p(
                _("Find a procedure, apply from your phone, and follow your application to the result."),
                class_name="lead",
            ),
            search_form(t),
            class_name="hero",
        ),
        active="home",
    )


PAGE = Page(route="/", title=N_("Public services"), build=build)
