"""The slot a page keeps for the content the server renders into its first HTML response.

``web/first_paint.py`` fills it; React leaves HTML set with ``dangerouslySetInnerHTML`` as the
server sent it when it hydrates (it neither compares nor patches it), so that content stays on
screen until the page's state has loaded and the page draws the same content itself.
``display: contents`` (catalog.css) keeps the slot itself out of the layout.
"""

from __future__ import annotations

import reflex as rx

SLOT_CLASS = "first-paint"
COUNT_SLOT = "first-paint-count"
SEARCH_SLOT = "first-paint-search"
SERVICE_SLOT = "first-paint-service"



def _drawn_here(selector: str) -> str:
    """True in the browser when the slot holds what the server drew for this very address.

    Not after moving within the app: the slot of a page that stays mounted keeps its HTML.
    """
    return (
        f"(el => el !== null && el.dataset.drawnFor === window.location.pathname + window.location.search)"
        f"(document.querySelector('{selector}[data-drawn-for]'))"
    )


# The results page shows the server's results (not an empty slot, nor another search's).
SERVER_DREW_RESULTS = _drawn_here(f"#{SEARCH_SLOT} ")
# The service page shows the server's entry (not "Loading…", nor another entry).
SERVER_DREW_SERVICE = _drawn_here(f"#{SERVICE_SLOT} ")


def first_paint_slot(slot_id: str, default_html: str = "") -> rx.Component:
    """``default_html`` is what a page reached without the server's help shows (it must hold no <div>)."""
    return rx.html(
        default_html,
        id=slot_id,
        class_name=SLOT_CLASS,
        custom_attrs={"suppressHydrationWarning": True},
    )
