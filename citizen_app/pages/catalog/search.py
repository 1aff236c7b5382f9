"""Results: ``/{locale}/search?q=…&level=…&online=…&field=…&event=…&sort=…``.

Search as you type (300 ms after the last key), filters and sorting, all kept in the URL.
The form is also a plain GET form, so before JavaScript runs Enter still searches.
"""

from __future__ import annotations

import reflex as rx

from citizen_app.core.catalog import get_catalog
from citizen_app.core.catalog.labels import LEVEL_LABELS, ONLINE_LEVEL_LABELS
from citizen_app.core.i18n import N_, Translator
from citizen_app.states.catalog import SearchState
from citizen_app.ui.catalog_components import linked_groups_notice, search_row
from citizen_app.ui.catalog_view import (
    LEVEL_CHOICES,
    ONLINE_CHOICES,
    SORT_LABELS,
    STATUS_TAG_CLASSES,
    STATUS_TAG_DEFAULT,
    ResultCard,
)
from citizen_app.ui.first_paint import COUNT_SLOT, SEARCH_SLOT, first_paint_slot
from citizen_app.ui.links import app_link
from citizen_app.ui.page import Page
from citizen_app.ui.shell import href, shell

FORM_ID = "search-form"
DEBOUNCE_MS = 300


def _select(
    t: Translator,
    name: str,
    label: str,
    options: list[tuple[str, str]],
    value: rx.Var,
    testid: str,
) -> rx.Component:
    control_id = f"search-{name}"
    return rx.el.div(
        rx.el.label(label, html_for=control_id, class_name="label"),
        rx.el.select(
            *[rx.el.option(text, value=option) for option, text in options],
            id=control_id,
            name=name,
            value=value,
            form=FORM_ID,
            on_change=lambda chosen: SearchState.change_filter(name, chosen),
            class_name="select",
            data_testid=testid,
        ),
        class_name="filter",
    )


def _filters(t: Translator) -> rx.Component:
    _ = t.gettext
    any_option = ("", _("Any"))
    fields = [(item.slug, f"{t.pick(item.name)} ({t.format_number(item.count)})") for item in get_catalog().fields()]
    return rx.el.details(
        rx.el.summary(
            rx.icon("sliders-horizontal", size=20, aria_hidden="true"),
            rx.el.span(_("Filters")),
            rx.cond(
                SearchState.active_filters > 0,
                rx.el.span(SearchState.active_filters.to_string(), class_name="count-badge"),
            ),
            class_name="filters-toggle",
            data_testid="search-filters-toggle",
        ),
        rx.el.div(
            _select(
                t,
                "level",
                _("Agency level"),
                [any_option, *[(level, _(LEVEL_LABELS[level])) for level in LEVEL_CHOICES]],
                SearchState.level,
                "filter-level",
            ),
            _select(
                t,
                "online",
                _("Online service"),
                [any_option, *[(level, _(ONLINE_LEVEL_LABELS[level])) for level in ONLINE_CHOICES]],
                SearchState.online,
                "filter-online",
            ),
            _select(t, "field", _("Field"), [any_option, *fields], SearchState.field_slug, "filter-field"),
            rx.el.button(
                _("Clear filters"),
                type="button",
                on_click=SearchState.clear_filters,
                class_name="button button-secondary",
                data_testid="filter-clear",
            ),
            class_name="filters-body",
        ),
        class_name="filters",
        data_testid="search-filters",
    )


def _search_box(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.label(_("What are you looking for?"), html_for="search-q", class_name="label"),
        search_row(
            t,
            input_id="search-q",
            testid="search",
            # Uncontrolled: what the person types stays put while the search runs; the box is
            # remounted (key) only when the page is opened on another query.
            key=SearchState.input_version,
            default_value=SearchState.query,
            on_change=SearchState.type_query.debounce(DEBOUNCE_MS),
        ),
    )


def _event_chip(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.cond(
        SearchState.event_name != "",
        rx.el.div(
            rx.el.span(_("Life event:"), class_name="active-filter-label"),
            rx.el.span(SearchState.event_name, class_name="active-filter-name", data_testid="search-event"),
            rx.el.button(
                rx.icon("x", size=18, aria_hidden="true"),
                rx.el.span(_("Remove this filter"), class_name="visually-hidden"),
                type="button",
                on_click=SearchState.change_filter("event", ""),
                class_name="active-filter-remove",
                data_testid="search-event-clear",
            ),
            class_name="active-filter",
        ),
    )


def _card(t: Translator, card: ResultCard, index: rx.Var) -> rx.Component:
    _ = t.gettext
    return rx.el.li(
        app_link(
            rx.el.span(card.name, class_name="card-title"),
            rx.el.span(card.code, " · ", card.level, class_name="card-meta"),
            rx.cond(
                card.name_note != "",
                rx.el.span(card.name_note, class_name="card-meta name-note", data_testid="search-result-name-note"),
            ),
            rx.el.span(
                card.status,
                class_name=rx.match(card.status_kind, *STATUS_TAG_CLASSES.items(), STATUS_TAG_DEFAULT),
            ),
            rx.cond(
                card.time != "",
                rx.el.span(
                    rx.el.span(_("Processing time:"), class_name="fact-label"),
                    " ",
                    card.time,
                    class_name="fact",
                ),
            ),
            rx.cond(
                card.fee != "",
                rx.el.span(
                    rx.el.span(_("Fee:"), class_name="fact-label"),
                    " ",
                    card.fee,
                    class_name="fact",
                ),
            ),
            to=card.href,
            class_name="card card-link result-card",
            testid="search-result-" + index.to_string(),
            data_code=card.code,
        )
    )


def _empty(t: Translator) -> rx.Component:
    _ = t.gettext
    return rx.el.div(
        rx.el.p(_("Try this:"), class_name="empty-title"),
        rx.el.ul(
            rx.el.li(_("check the spelling, or use fewer or different words;")),
            rx.el.li(_("search for the procedure code, like 1.001193;")),
            rx.el.li(
                app_link(_("browse services by field"), to=href(t, "/fields"), testid="search-empty-browse"),
                ".",
            ),
            rx.el.li(
                app_link(
                    _("tell the assistant your situation in your own words"),
                    # The words searched go along: the assistant answers them at once.
                    to=rx.Var(f"('/{t.locale}/assistant?q=' + encodeURIComponent({SearchState.query}))").to(str),
                    testid="search-empty-assistant",
                ),
                ".",
            ),
        ),
        rx.cond(
            SearchState.active_filters + rx.cond(SearchState.event_slug != "", 1, 0) > 0,
            rx.el.button(
                _("Clear filters"),
                type="button",
                on_click=SearchState.clear_all_filters,
                class_name="button button-secondary",
                data_testid="search-empty-clear",
            ),
        ),
        class_name="notice empty-state",
        data_testid="search-empty",
    )


def _groups(t: Translator) -> rx.Component:
    """Linked groups (issue 12): one application for the procedures a life event needs."""
    _ = t.gettext
    return linked_groups_notice(
        _("Apply for all of it at once:"), SearchState.group_links, testid="search-groups", link_testid="search-group-"
    )


def build(t: Translator) -> rx.Component:
    _ = t.gettext
    return shell(
        t,
        rx.el.h1(_("Find a service")),
        rx.el.form(
            _search_box(t),
            rx.el.input(type="hidden", name="event", value=SearchState.event_slug),
            _event_chip(t),
            _filters(t),
            id=FORM_ID,
            action=href(t, "/search"),
            method="get",
            role="search",
            on_submit=SearchState.submit,
            class_name="search-form",
        ),
        rx.el.section(
            # Until the person changes the search, the count and the results are the ones the server
            # put into the first HTML response (web/first_paint.py), drawn the same way; the state
            # then holds no result list. The controls around them are the page's own from the start.
            rx.el.div(
                rx.cond(
                    SearchState.loaded,
                    rx.el.p(
                        SearchState.count_text,
                        role="status",
                        class_name="result-count",
                        data_testid="search-count",
                    ),
                    first_paint_slot(COUNT_SLOT),
                ),
                _select(
                    t,
                    "sort",
                    _("Sort by"),
                    [(order, _(label)) for order, label in SORT_LABELS.items()],
                    SearchState.sort,
                    "sort",
                ),
                class_name="results-bar",
            ),
            rx.cond(
                SearchState.loaded,
                rx.fragment(
                    rx.el.ul(
                        rx.foreach(SearchState.results, lambda card, index: _card(t, card, index)),
                        class_name="card-list result-list",
                        data_testid="search-results",
                    ),
                    rx.cond(SearchState.total == 0, _empty(t)),
                ),
                first_paint_slot(SEARCH_SLOT),
            ),
            # Below the results, not above: it arrives after hydration, and the server's results must not move.
            _groups(t),
            # Always there, hidden when there is no more: so the server's page and the page's first
            # render have the same elements, and hydration keeps the server's (web/first_paint.py).
            rx.el.button(
                _("Show more results"),
                type="button",
                hidden=~SearchState.has_more,
                on_click=SearchState.show_more,
                class_name="button button-secondary button-block show-more",
                data_testid="search-more",
            ),
            aria_label=_("Results"),
            class_name="results",
        ),
        active="search",
    )


PAGE = Page(route="/search", title=N_("Find a service"), build=build, on_load=SearchState.load)
