"""States of the catalogue screens: the results page and the service page.

The results page keeps its query and filters in the URL so a search can be shared and the
home page's plain GET form lands on it. Typing searches after a pause (debounced in the
browser) and then *replaces* the address with ``history.replaceState``: no new history entry
per keystroke, and no page navigation, so the page's on_load (which reads the URL) runs only
when the person really arrives at the page (a link, the home form, back/forward, a reload).
"""

from __future__ import annotations

import dataclasses
import json

import reflex as rx
from reflex.event import EventSpec

from citizen_app.core.catalog import Procedure, get_catalog
from citizen_app.core.i18n import N_, Msg
from citizen_app.core.identity.assurance import assurance_message
from citizen_app.states.base import AppState
from citizen_app.ui.catalog_view import (
    NEEDS_LEVEL_2,
    ResultCard,
    SearchParams,
    ServiceView,
    clean_query,
    code_from_path,
    results_page,
    service_view,
)
from citizen_app.ui.first_paint import SERVER_DREW_RESULTS, SERVER_DREW_SERVICE
from citizen_app.ui.life_event_view import GroupLink


def _replace_address(href: str) -> EventSpec:
    """Show ``href`` in the address bar without navigating (no new history entry per keystroke).

    The shell's language switch and sign-in links read ``window.location`` when followed, so
    they keep the current search too.
    """
    return rx.call_script(f"window.history.replaceState(window.history.state, '', {json.dumps(href)});")


NO_SUCH_CODE = N_("There is no service with the code “{code}”.")
CHECK_THE_ADDRESS = N_("Check the address, or search for the service.")


class SearchState(AppState):
    query: str = ""
    level: str = ""
    online: str = ""
    field_slug: str = ""
    event_slug: str = ""
    event_name: str = ""
    sort: str = "relevance"
    results: list[ResultCard] = rx.field(default_factory=list)
    # Linked groups (issue 12) the results or the life event point to: "apply for all at once".
    group_links: list[GroupLink] = rx.field(default_factory=list)
    total: int = 0
    count_text: str = ""
    has_more: bool = False
    loaded: bool = False
    active_filters: int = 0
    # Changing it remounts the (uncontrolled) search box with ``query``: only when the page is
    # opened on an address whose query differs from what the box holds.
    input_version: int = 0

    # ---- helpers ----
    def _params(self) -> SearchParams:
        return SearchParams(
            q=self.query,
            level=self.level,
            online=self.online,
            field=self.field_slug,
            event=self.event_slug,
            sort=self.sort,
        )

    def _apply(self, params: SearchParams) -> None:
        self.query = params.q
        self.level = params.level
        self.online = params.online
        self.field_slug = params.field
        self.event_slug = params.event
        self.sort = params.sort
        self.active_filters = params.active_filters
        event = get_catalog().life_event(params.event) if params.event else None
        self.event_name = self._t().pick(event.name) if event else ""

    def _run(self, *, more: bool = False) -> None:
        page = results_page(self._params(), self._t(), offset=len(self.results) if more else 0)
        self.results = [*self.results, *page.cards] if more else page.cards
        if not more:
            self.group_links = page.groups
        self.total = page.total
        self.count_text = page.count_text
        self.has_more = page.has_more
        self.loaded = True

    def _on_search_page(self) -> bool:
        """A debounced event can fire after the person has left the page: it must not touch the URL."""
        parts = [part for part in self.router.url.path.split("/") if part]
        return len(parts) == 2 and parts[1] == "search"

    def _changed(self, params: SearchParams) -> EventSpec | None:
        if not self._on_search_page():
            return None
        self._apply(params)
        self._run()
        return _replace_address(params.href(self.locale))

    # ---- events ----
    @rx.event
    def load(self) -> EventSpec:
        """The page was opened (or reopened in another language): the URL is the truth.

        Whether the page shows the server's results (a first HTML response, web/first_paint.py)
        or an empty slot (reached within the app) only the browser knows: it answers in ``arrive``.
        """
        params = SearchParams.from_query(dict(self.router.url.query_parameters), get_catalog())
        if params.q != self.query or (self.input_version == 0 and params.q):
            self.input_version += 1
        self._apply(params)
        return rx.call_script(SERVER_DREW_RESULTS, callback=SearchState.arrive)

    @rx.event
    def arrive(self, server_drew: bool) -> None:
        if server_drew is not True:
            self._run()
            return
        # The server's first page stays on screen: the state keeps what the controls need, not the list.
        page = results_page(self._params(), self._t())
        self.results = []
        self.total = page.total
        self.count_text = page.count_text
        self.has_more = page.has_more
        self.loaded = page.total == 0  # nothing found: the page's own "try this" (with its buttons)
        # The server drew the linked groups below its results; the page draws them under its own list.
        self.group_links = page.groups if self.loaded else []

    @rx.event
    def type_query(self, value: str) -> EventSpec | None:
        """Debounced in the browser (300 ms after the last key)."""
        return self._changed(dataclasses.replace(self._params(), q=clean_query(value)))

    @rx.event
    def submit(self, form_data: dict[str, str]) -> EventSpec | None:
        """Enter or the search button: the whole form, like the GET form before JavaScript runs."""
        return self._changed(SearchParams.from_query(form_data, get_catalog()))

    @rx.event
    def change_filter(self, name: str, value: str) -> EventSpec | None:
        current = dataclasses.asdict(self._params())
        if name not in current or name == "q":
            return None
        params = SearchParams.from_query({**current, name: value}, get_catalog())
        return self._changed(params)

    @rx.event
    def clear_filters(self) -> EventSpec | None:
        """The collapsible filters (level, online level, field); a life event stays until removed."""
        return self._changed(SearchParams(q=self.query, event=self.event_slug, sort=self.sort))

    @rx.event
    def clear_all_filters(self) -> EventSpec | None:
        return self._changed(SearchParams(q=self.query, sort=self.sort))

    @rx.event
    def show_more(self) -> None:
        if not self.has_more:
            return
        if not self.loaded:
            # The server's first page is on screen: the page takes over with it and the next one.
            self._run()
        self._run(more=True)


class ServiceState(AppState):
    """The service page, ``/{locale}/services/[code]``: one procedure in the page's language."""

    # loading | found | not_found
    status: str = "loading"
    service: ServiceView = rx.field(default_factory=ServiceView)
    not_found_text: str = ""
    # The browser tab's title (ui/document_title.py): the procedure's name.
    title: str = ""
    # Shown when the service needs VNeID level 2 and the person has not shown they have it.
    assurance_notice: str = ""

    @rx.event
    def load(self) -> EventSpec | None:
        t = self._t()
        code = code_from_path(self.router.url.path)
        catalog = get_catalog()
        procedure = catalog.get(code) if code else None
        if procedure is None:
            self.status = "not_found"
            self.service = ServiceView()
            self.not_found_text = " ".join(
                (self._render(Msg(NO_SUCH_CODE, {"code": code[:40]})), t.gettext(CHECK_THE_ADDRESS))
            )
            self.assurance_notice = ""
            self.title = t.gettext("Service not found")
            return
        view = service_view(procedure, catalog, t)
        self.title = view.name
        if view.needs_level_2:
            # The notice depends on who is here: the page draws the entry itself, with it.
            self._show(view, self._assurance_notice(procedure))
            return None
        # Drawn by the server into the first HTML response (web/first_paint.py)? Only the browser knows.
        return rx.call_script(SERVER_DREW_SERVICE, callback=ServiceState.arrive)

    @rx.event
    def arrive(self, server_drew: bool) -> None:
        if server_drew is True:
            return  # the server's entry stays on screen; the state need not hold it
        catalog = get_catalog()
        procedure = catalog.get(code_from_path(self.router.url.path))
        if procedure is not None:
            self._show(service_view(procedure, catalog, self._t()), "")

    def _show(self, view: ServiceView, assurance_notice: str) -> None:
        self.service = view
        self.status = "found"
        self.assurance_notice = assurance_notice

    @rx.event
    def check_assurance(self) -> None:
        """A prerendered service page: its content is compiled in; only the notice depends on who is here."""
        procedure = get_catalog().get(code_from_path(self.router.url.path))
        self.assurance_notice = (
            self._assurance_notice(procedure) if procedure is not None and procedure.needs_level_2_online else ""
        )

    def _assurance_notice(self, procedure: Procedure) -> str:
        user = self._current_user()
        message = assurance_message(user, procedure.assurance_level) if user else Msg(NEEDS_LEVEL_2)
        return self._render(message) if message else ""
