"""Home: search box first, then services by field, by life event, and the most used ones.

Everything below the search box is read from the catalogue when the app is built and
prerendered as static HTML (no state), so it paints at once on a slow phone. Counts are
those of the catalogue at build time.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.catalog import get_catalog
from citizen_app.core.i18n import N_, Translator
from citizen_app.ui.catalog_components import field_list, life_event_list, search_row, service_cards
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell

POPULAR_COUNT = 8


def _to_results(locale: str) -> Callable[[rx.Var], EventSpec]:
    """After hydration: go to the results page without reloading (the GET form does it before)."""

    def handler(form_data: rx.Var) -> EventSpec:
        q = f"((({form_data}) || {{}}).q || '')"
        target = f"('/{locale}/search' + ({q}.trim() ? '?q=' + encodeURIComponent({q}) : ''))"
        return rx.redirect(rx.Var(target).to(str))

    return handler


def search_form(t: Translator) -> rx.Component:
    """A plain GET form, so searching works before (and without) JavaScript."""
    _ = t.gettext
    return rx.el.form(
        rx.el.label(_("Search for a service"), html_for="home-search", class_name="label"),
        search_row(t, input_id="home-search", testid="home-search"),
        # The server serves the prerendered page at /search/: no redirect on a slow connection.
        action=href(t, "/search/"),
        method="get",
        role="search",
        class_name="search-form",
        on_submit=_to_results(t.locale),
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    catalog = get_catalog()
    # Fields holding services we describe in full; the rest are one link away.
    fields = [item for item in catalog.fields() if item.curated_count]
    return shell(
        t,
        rx.el.section(
            rx.el.h1(_("Public services, online"), class_name="hero-title"),
            rx.el.p(
                _("Find a procedure, apply from your phone, and follow your application to the result."),
                class_name="lead",
            ),
            search_form(t),
            app_link(
                _("Not sure which service? Ask the assistant"),
                to=href(t, "/assistant"),
                class_name="more-link home-assistant",
                testid="home-assistant",
            ),
            class_name="hero",
        ),
        rx.el.section(
            rx.el.h2(_("Services by field"), id="home-fields-title"),
            field_list(t, fields, "home-field"),
            app_link(
                _("All fields"),
                to=href(t, "/fields"),
                class_name="more-link",
                testid="home-all-fields",
            ),
            aria_labelledby="home-fields-title",
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(_("Life events"), id="home-events-title"),
            rx.el.p(_("Everything to do when something changes in your life."), class_name="section-lead"),
            life_event_list(t, catalog.life_events(), "home-event"),
            aria_labelledby="home-events-title",
            class_name="home-section",
        ),
        rx.el.section(
            rx.el.h2(_("Popular services"), id="home-popular-title"),
            service_cards(t, catalog.popular(POPULAR_COUNT), "home-popular"),
            aria_labelledby="home-popular-title",
            class_name="home-section",
        ),
        active="home",
    )


PAGE = Page(route="/", title=N_("Public services"), build=build)
