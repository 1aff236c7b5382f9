"""Every field (sector) and life event with its number of procedures: ``/{locale}/fields``.

Static, like the home page: read from the catalogue when the app is built.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.catalog import get_catalog
from citizen_app.core.i18n import N_, Translator
from citizen_app.ui.catalog_components import field_list, life_event_list
from citizen_app.ui.page import Page
from citizen_app.ui.shell import shell


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    catalog = get_catalog()
    return shell(
        t,
        rx.el.h1(_("Services by field")),
        rx.el.p(_("Choose a field to see its procedures."), class_name="lead"),
        field_list(t, catalog.fields(), "fields-field"),
        rx.el.h2(_("Life events")),
        life_event_list(t, catalog.life_events(), "fields-event"),
        active="search",
    )


PAGE = Page(route="/fields", title=N_("Services by field"), build=build)
