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


# True in the browser when the results page shows the results the server drew (not an empty slot).
SERVER_DREW_RESULTS = f"document.querySelector('#{SEARCH_SLOT} [data-testid=\"search-result-0\"]') !== null"


def first_paint_slot(slot_id: str, default_html: str = "") -> rx.Component:
    """``default_html`` is what a page reached without the server's help shows (it must hold no <div>)."""
    return rx.html(
        default_html,
        id=slot_id,
        class_name=SLOT_CLASS,
        custom_attrs={"suppressHydrationWarning": True},
    )
