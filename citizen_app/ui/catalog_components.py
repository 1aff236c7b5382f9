"""Catalogue pieces shared by the home page and the browse pages, rendered at build time.

They take catalogue objects (not state vars): the home page is static HTML, prerendered once
per locale, so a slow phone shows it before any JavaScript runs. :func:`linked_groups_notice`
takes either (``ui/bind.py``): the search and the service page draw it from state too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import reflex as rx

from citizen_app.core.catalog import FieldCount, LifeEventCount, Procedure
from citizen_app.core.i18n import Translator
from citizen_app.core.search import MAX_QUERY_LENGTH
from citizen_app.ui.bind import each, not_empty, when
from citizen_app.ui.catalog_view import SearchParams, result_card
from citizen_app.ui.links import app_link


def search_row(t: Translator, *, input_id: str, testid: str, **input_props: object) -> rx.Component:
    """The search box and its button, as the home page and the results page both show them.

    ``testid`` prefixes the two test ids (``<testid>-input``, ``<testid>-submit``); ``input_props``
    are the page's own (the results page's debounced typing, for one).
    """
    _ = t.gettext
    return rx.el.div(
        rx.el.input(
            id=input_id,
            name="q",
            type="search",
            placeholder=_("e.g. birth registration"),
            auto_complete="off",
            enter_key_hint="search",
            max_length=MAX_QUERY_LENGTH,
            class_name="input",
            data_testid=f"{testid}-input",
            **input_props,
        ),
        rx.el.button(
            rx.icon("search", size=20, aria_hidden="true"),
            rx.el.span(_("Search"), class_name="visually-hidden-phone"),
            type="submit",
            class_name="button",
            data_testid=f"{testid}-submit",
        ),
        class_name="search-row",
    )


def count_badge(t: Translator, count: int) -> rx.Component:
    return rx.el.span(t.format_number(count), class_name="count-badge")


def field_list(t: Translator, fields: Iterable[FieldCount], testid: str) -> rx.Component:
    """Links to the results page filtered by field, with how many procedures each holds."""
    return rx.el.ul(
        *[
            rx.el.li(
                app_link(
                    rx.el.span(t.pick(item.name), class_name="browse-name"),
                    count_badge(t, item.count),
                    to=SearchParams(field=item.slug).href(t.locale),
                    class_name="browse-link",
                    testid=f"{testid}-{item.slug}",
                )
            )
            for item in fields
        ],
        class_name="browse-list",
        data_testid=testid,
    )


def life_event_list(t: Translator, events: Iterable[LifeEventCount], testid: str) -> rx.Component:
    return rx.el.ul(
        *[
            rx.el.li(
                app_link(
                    rx.el.span(t.pick(item.name), class_name="browse-name"),
                    count_badge(t, item.count),
                    to=SearchParams(event=item.slug).href(t.locale),
                    class_name="browse-link",
                    testid=f"{testid}-{item.slug}",
                )
            )
            for item in events
        ],
        class_name="browse-list browse-list-events",
        data_testid=testid,
    )


def service_cards(t: Translator, procedures: Iterable[Procedure], testid: str) -> rx.Component:
    """Static result cards (the popular services); the results page draws the same from its state."""
    items = []
    for position, procedure in enumerate(procedures):
        card = result_card(procedure, t)
        items.append(
            rx.el.li(
                app_link(
                    rx.el.span(card.name, class_name="card-title"),
                    rx.el.span(f"{card.level} · {card.status}", class_name="card-meta"),
                    to=card.href,
                    class_name="card card-link",
                    testid=f"{testid}-{position}",
                    data_code=card.code,
                )
            )
        )
    return rx.el.ul(*items, class_name="card-list grid-2", data_testid=testid)


def linked_groups_notice(
    title: str, links: Any, *, testid: str, link_testid: str, tag: Callable[..., rx.Component] = rx.el.div
) -> rx.Component:
    """Links to the linked groups (issue 12) a search or a service belongs to; nothing when there is none.

    ``links`` are ``GroupLink``s, a state Var or plain; each link's test id is ``link_testid`` + its slug.
    The server's first paint draws the same (``web/templates/first_paint/_macros.html``).
    """
    return when(
        not_empty(links),
        tag(
            rx.el.p(title, class_name="notice-title"),
            each(links, lambda link: app_link(link.name, to=link.href, testid=link_testid + link.slug)),
            class_name="notice stack",
            data_testid=testid,
        ),
    )
